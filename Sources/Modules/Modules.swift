// Modules module
