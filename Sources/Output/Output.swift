// Output module
