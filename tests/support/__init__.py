"""Everything the tests share. bench/ may import this package too; the product (kring/,
services/) never does."""
