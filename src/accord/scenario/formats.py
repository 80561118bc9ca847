"""The file formats scenarios are read from and written to (a constant module: the CLI's help text
names them without loading the readers)."""

READ_FORMATS = (
    ".yaml, .yml, .json, .csv (long table or KTAB), .xlsx, .xml (KTAB or a GENIUS domain), a GENIUS folder"
)
WRITE_FORMATS = (
    ".yaml, .yml, .json, .csv, .xlsx, a folder (GENIUS: a path without extension, or an existing folder)"
)
