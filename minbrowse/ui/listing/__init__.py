"""The object listing: columnar row store, pages, bounded sort/filter slices and the virtual list widget."""
