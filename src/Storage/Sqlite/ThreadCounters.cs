using Microsoft.Data.Sqlite;

namespace Chat.Storage.Sqlite;

/// <summary>
/// The threads and mentions of <c>messages.db</c> (issue 25), kept inside the transaction that stores
/// messages: a thread reply adds one to its root's <c>threads</c> row (count, newest reply, participants)
/// and makes its sender and the root's author followers; a mention is a row per member mentioned.
/// </summary>
internal sealed class ThreadCounters : IDisposable
{
    /// <summary>Migration 10: which thread a message belongs to, the threads' summaries, and each member's place in a thread.</summary>
    public static readonly SqliteMigration ThreadsMigration = new(10, "threads: thread_root, summaries, followers and thread cursors", connection =>
    {
        foreach (var (column, definition) in new[] { ("thread_root", "TEXT"), ("also_to_conversation", "INTEGER NOT NULL DEFAULT 0") })
            if (!SqliteMigrations.HasColumn(connection, "main", "messages", column))
                SqliteDatabase.Execute(connection, $"ALTER TABLE messages ADD COLUMN {column} {definition}");
        SqliteDatabase.Execute(connection, """
            CREATE INDEX IF NOT EXISTS ix_messages_thread ON messages (thread_root, sequence_number) WHERE thread_root IS NOT NULL;
            CREATE TABLE IF NOT EXISTS threads (
                root_id         TEXT PRIMARY KEY,
                conversation_id TEXT NOT NULL,
                reply_count     INTEGER NOT NULL,
                last_reply_at   TEXT NOT NULL,
                last_reply_seq  INTEGER NOT NULL,
                participants    TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS ix_threads_by_activity ON threads (conversation_id, last_reply_seq);
            CREATE TABLE IF NOT EXISTS thread_members (
                root_id         TEXT NOT NULL,
                username        TEXT NOT NULL,
                conversation_id TEXT NOT NULL,
                following       INTEGER NOT NULL,
                last_read_seq   INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (root_id, username)
            ) WITHOUT ROWID;
            CREATE INDEX IF NOT EXISTS ix_thread_members_followed ON thread_members (username, conversation_id) WHERE following = 1;
            """);
    });

    /// <summary>Migration 11: whom a message mentions, and a row per member it mentions (their <c>mention_count</c> counts those above their cursor).</summary>
    public static readonly SqliteMigration MentionsMigration = new(11, "mentions", connection =>
    {
        if (!SqliteMigrations.HasColumn(connection, "main", "messages", "mentions"))
            SqliteDatabase.Execute(connection, "ALTER TABLE messages ADD COLUMN mentions TEXT");
        SqliteDatabase.Execute(connection, """
            CREATE TABLE IF NOT EXISTS member_mentions (
                conversation_id TEXT NOT NULL,
                username        TEXT NOT NULL,
                sequence_number INTEGER NOT NULL,
                PRIMARY KEY (conversation_id, username, sequence_number)
            ) WITHOUT ROWID;
            """);
    });

    private readonly SqliteCommand _thread;
    private readonly SqliteCommand _replier;
    private readonly SqliteCommand _author;
    private readonly SqliteCommand _mention;

    public ThreadCounters(SqliteConnection connection, SqliteTransaction transaction)
    {
        _thread = connection.Command(
            "INSERT INTO threads VALUES ($root, $c, 1, $at, $seq, json_array($from)) ON CONFLICT (root_id) DO UPDATE SET " +
            "reply_count = reply_count + 1, last_reply_at = excluded.last_reply_at, last_reply_seq = excluded.last_reply_seq, " +
            "participants = CASE WHEN EXISTS (SELECT 1 FROM json_each(threads.participants) WHERE value = $from) THEN participants ELSE json_insert(participants, '$[#]', $from) END",
            transaction, ("$root", ""), ("$c", ""), ("$at", ""), ("$seq", 0L), ("$from", ""));
        // Replying follows the thread, again if its author had unfollowed it.
        _replier = connection.Command(
            "INSERT INTO thread_members (root_id, username, conversation_id, following) VALUES ($root, $from, $c, 1) ON CONFLICT (root_id, username) DO UPDATE SET following = 1",
            transaction, ("$root", ""), ("$from", ""), ("$c", ""));
        // The root's author follows from the first reply on, unless they chose otherwise before.
        _author = connection.Command(
            "INSERT OR IGNORE INTO thread_members (root_id, username, conversation_id, following) SELECT message_id, sender, conversation_id, 1 FROM messages WHERE message_id = $root",
            transaction, ("$root", ""));
        _mention = connection.Command("INSERT OR IGNORE INTO member_mentions VALUES ($c, $u, $seq)", transaction, ("$c", ""), ("$u", ""), ("$seq", 0L));
    }

    public void Stored(NewMessage m, long sequence, DateTimeOffset sentAt)
    {
        if (m.ThreadRoot is { } root)
        {
            _thread.Bind(("$root", root), ("$c", m.ConversationId), ("$at", sentAt.Iso()), ("$seq", sequence), ("$from", m.From));
            _thread.ExecuteNonQuery();
            _replier.Bind(("$root", root), ("$from", m.From), ("$c", m.ConversationId));
            _replier.ExecuteNonQuery();
            _author.Bind(("$root", root));
            _author.ExecuteNonQuery();
        }
        foreach (var username in MentionRules.MentionedIn(m))
        {
            _mention.Bind(("$c", m.ConversationId), ("$u", username), ("$seq", sequence));
            _mention.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        _thread.Dispose();
        _replier.Dispose();
        _author.Dispose();
        _mention.Dispose();
    }
}
