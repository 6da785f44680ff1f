// DataLoader module
