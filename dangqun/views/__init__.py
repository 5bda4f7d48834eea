"""Each page's own logic, without Streamlit, in a module named after its page (views/<name>.py beside
charts/<name>.py and i18n/<name>.py; the name is the registry's Page.name): what the page computes from
its queries' frames, the tables as shown and downloaded, the texts it builds."""
