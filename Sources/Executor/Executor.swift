// Executor module
