"""English strings of the 通报 page (the report itself is a Chinese document and stays Chinese)."""
EN = {
    "通报": "Report",
    "通报周期": "Report period",
    "对比": "Compare with",
    "下载 Word": "Download Word",
    "下载 PDF": "Download PDF",
    "附件：下级单位考核排名": "Annex: ranking of the units below",
    "通报是上报的公文，正文和下载文件都是中文。":
        "The report is an official document sent upward: its text and its files are in Chinese.",
    "Word 按 GB/T 9704-2012 排版；图表与 PDF 在点击下载时生成，约需半分钟。":
        "Word laid out per GB/T 9704-2012; charts and PDF are made when you click, in about half a minute.",
    "无权查看该区域": "No access to this region",
    "通报按县（市、区）及以上地区生成，请选择县（市、区）、市或全省":
        "Reports are made for a county, a city or the province: choose one of them",
}
