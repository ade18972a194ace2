"""forgot the parent"""
revision = "abc"
