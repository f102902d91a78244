# Counts on the hall screen are read from across the room: group thousands with commas, as
# Chinese statistical bulletins do (Django's zh_Hans default groups nothing).
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
