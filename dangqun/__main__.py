import sys

from dangqun.cli import main

sys.exit(main())
