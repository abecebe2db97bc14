// The notes database's schema, numbered, applied in order and recorded in `schema_migrations`.
// Never edit a shipped migration: add the next number.
import type { Migration } from '../../src/state/sqlite.ts'

export const NOTE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'notes, tags, full-text index',
    sql: `
CREATE TABLE notes (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  -- The note as the API shows it, written with the note: a read sends it as it is.
  doc TEXT NOT NULL
);
CREATE TABLE note_tags (
  tag TEXT NOT NULL,
  note_id INTEGER NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
  PRIMARY KEY (tag, note_id)
) WITHOUT ROWID;
CREATE INDEX note_tags_note ON note_tags (note_id);

CREATE VIRTUAL TABLE notes_fts USING fts5 (title, body, content = 'notes', content_rowid = 'id');
CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
  INSERT INTO notes_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
  INSERT INTO notes_fts (notes_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER notes_fts_update AFTER UPDATE OF title, body ON notes BEGIN
  INSERT INTO notes_fts (notes_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
  INSERT INTO notes_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
`,
  },
]
