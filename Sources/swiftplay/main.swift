print("swiftplay")
