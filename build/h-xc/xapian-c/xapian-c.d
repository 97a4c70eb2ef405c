build/h-xc/xapian-c/xapian-c.o: xapian-c/xapian-c.cc xapian-c/xapian-c.h
xapian-c/xapian-c.h:
