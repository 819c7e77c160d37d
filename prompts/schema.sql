CREATE TABLE CATEGORY (id INTEGER PRIMARY KEY, title TEXT NOT NULL, priority INTEGER);
CREATE TABLE TODO (id INTEGER PRIMARY KEY, title TEXT NOT NULL, due_time TEXT NOT NULL,
                   complete INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1)), memo TEXT,
                   category_id INTEGER REFERENCES CATEGORY(id), priority INTEGER);
CREATE TABLE SCHEDULE (id INTEGER PRIMARY KEY, title TEXT NOT NULL, start_time TEXT NOT NULL,
                       end_time TEXT NOT NULL, memo TEXT,
                       category_id INTEGER REFERENCES CATEGORY(id), priority INTEGER);
