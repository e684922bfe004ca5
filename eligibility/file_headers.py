"""The names a bulk file's first row may give its columns, in Chinese and in English."""

# Header names, compared after `files._header_key`: Chinese as Excel users in China write them,
# English as this product's own downloads write them.
HEADERS = {
    "uscc": {
        "统一社会信用代码",
        "社会信用代码",
        "信用代码",
        "供应商统一社会信用代码",
        "供应商信用代码",
        "uscc",
        "creditcode",
        "unifiedsocialcreditcode",
        "suppliercreditcode",
    },
    "category": {
        "类别",
        "产品类别",
        "材料类别",
        "类别代码",
        "品类",
        "category",
        "categorycode",
        "productcategory",
    },
    "min_stars": {
        "最低星级",
        "星级",
        "最低星级要求",
        "minstars",
        "minimumstars",
        "minimumstarlevel",
        "minstarlevel",
        "stars",
        "starlevel",
    },
}
