using Microsoft.Data.Sqlite;

namespace Chat.Storage.Sqlite;

/// <summary>
/// The unread counters of <c>messages.db</c>, kept inside the transaction that stores messages.
/// Per member and conversation: <c>received</c> (messages that count for them, see
/// <see cref="UnreadRules.CountsFor"/>) and <c>read_count</c> (how many of those are at or below
/// <c>last_read_seq</c>); unread is their difference. <c>member_inbox</c> numbers each counting
/// message per member (its <c>ordinal</c>), so moving a cursor to any sequence number finds its
/// <c>read_count</c> by one index seek: nothing ever counts rows of history.
/// </summary>
internal sealed class ReadCounters : IDisposable
{
    /// <summary>Migration 5: the tables, filled once from the messages and read statuses stored before it.</summary>
    public static readonly string Schema = $"""
        CREATE TABLE IF NOT EXISTS conversation_activity (
            conversation_id TEXT PRIMARY KEY,
            last_message_id TEXT NOT NULL,
            last_sender     TEXT NOT NULL,
            last_preview    TEXT NOT NULL,
            last_sent_at    TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS member_reads (
            conversation_id TEXT NOT NULL,
            username        TEXT NOT NULL,
            last_read_seq   INTEGER NOT NULL DEFAULT 0,
            received        INTEGER NOT NULL DEFAULT 0,
            read_count      INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (conversation_id, username)
        );
        CREATE INDEX IF NOT EXISTS ix_member_reads_unread ON member_reads (username) WHERE received > read_count;
        CREATE TABLE IF NOT EXISTS member_inbox (
            conversation_id TEXT NOT NULL,
            username        TEXT NOT NULL,
            sequence_number INTEGER NOT NULL,
            ordinal         INTEGER NOT NULL,
            PRIMARY KEY (conversation_id, username, sequence_number)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO member_inbox (conversation_id, username, sequence_number, ordinal)
            SELECT m.conversation_id, r.value, m.sequence_number,
                   ROW_NUMBER() OVER (PARTITION BY m.conversation_id, r.value ORDER BY m.sequence_number)
            FROM messages m, json_each(m.recipients) r
            WHERE r.value <> m.sender AND m.payload_type <> '{UnreadRules.SystemPayload}';
        INSERT OR IGNORE INTO member_reads (conversation_id, username, received)
            SELECT conversation_id, username, MAX(ordinal) FROM member_inbox GROUP BY conversation_id, username;
        UPDATE member_reads SET last_read_seq = COALESCE((
                SELECT MAX(m.sequence_number) FROM message_recipients r JOIN messages m ON m.message_id = r.message_id
                WHERE m.conversation_id = member_reads.conversation_id AND r.username = member_reads.username AND r.channel = 'app' AND r.status = 'read'), 0)
            WHERE last_read_seq = 0;
        UPDATE member_reads SET read_count = COALESCE((
                SELECT MAX(i.ordinal) FROM member_inbox i
                WHERE i.conversation_id = member_reads.conversation_id AND i.username = member_reads.username AND i.sequence_number <= member_reads.last_read_seq), 0);
        INSERT OR IGNORE INTO conversation_activity (conversation_id, last_message_id, last_sender, last_preview, last_sent_at)
            SELECT m.conversation_id, m.message_id, m.sender,
                   substr(COALESCE(m.text, json_extract(m.file_meta, '$.file_name'), m.payload_type), 1, {LastMessage.PreviewLength}), m.sent_at
            FROM messages m JOIN conversations c ON c.conversation_id = m.conversation_id AND m.sequence_number = c.last_seq;
        """;

    private readonly SqliteCommand _activity;
    private readonly SqliteCommand _received;
    private readonly SqliteCommand _inbox;

    public ReadCounters(SqliteConnection connection, SqliteTransaction transaction)
    {
        _activity = connection.Command(
            "INSERT INTO conversation_activity VALUES ($c, $id, $from, $preview, $at) ON CONFLICT (conversation_id) DO UPDATE SET " +
            "last_message_id = excluded.last_message_id, last_sender = excluded.last_sender, last_preview = excluded.last_preview, last_sent_at = excluded.last_sent_at",
            transaction, ("$c", ""), ("$id", ""), ("$from", ""), ("$preview", ""), ("$at", ""));
        _received = connection.Command(
            "INSERT INTO member_reads (conversation_id, username, received) VALUES ($c, $u, 1) " +
            "ON CONFLICT (conversation_id, username) DO UPDATE SET received = received + 1 RETURNING received",
            transaction, ("$c", ""), ("$u", ""));
        _inbox = connection.Command("INSERT OR IGNORE INTO member_inbox VALUES ($c, $u, $seq, $ordinal)", transaction,
            ("$c", ""), ("$u", ""), ("$seq", 0L), ("$ordinal", 0L));
    }

    /// <summary>A message just stored with <paramref name="sequence"/>: the conversation's newest, one more unread for each it counts for.</summary>
    public void Stored(NewMessage m, long sequence, DateTimeOffset sentAt)
    {
        _activity.Bind(("$c", m.ConversationId), ("$id", m.MessageId), ("$from", m.From), ("$preview", LastMessage.PreviewOf(m.Payload)), ("$at", sentAt.Iso()));
        _activity.ExecuteNonQuery();
        foreach (var username in UnreadRules.CountsFor(m))
        {
            _received.Bind(("$c", m.ConversationId), ("$u", username));
            var ordinal = (long)_received.ExecuteScalar()!;
            _inbox.Bind(("$c", m.ConversationId), ("$u", username), ("$seq", sequence), ("$ordinal", ordinal));
            _inbox.ExecuteNonQuery();
        }
    }

    /// <summary>Moves one cursor forward (never past the last message), or for a mark unread back; null when it would not move.</summary>
    public static ReadState? Move(SqliteConnection connection, SqliteTransaction transaction, ReadCursorMove move)
    {
        var (c, u) = (("$c", (object?)move.ConversationId), ("$u", (object?)move.Username));
        var last = connection.Command("SELECT last_seq FROM conversations WHERE conversation_id = $c", transaction, c).Query(r => r.GetInt64(0)).FirstOrDefault();
        var upTo = Math.Min(move.UpToSequence, last);
        var (lastRead, received) = connection.Command("SELECT last_read_seq, received FROM member_reads WHERE conversation_id = $c AND username = $u", transaction, c, u)
            .Query(r => (r.GetInt64(0), r.GetInt64(1))).FirstOrDefault();
        if (move.Back ? upTo >= lastRead || upTo < 0 : upTo <= lastRead) return null;
        var readCount = connection.Command(
                "SELECT ordinal FROM member_inbox WHERE conversation_id = $c AND username = $u AND sequence_number <= $upTo ORDER BY sequence_number DESC LIMIT 1",
                transaction, c, u, ("$upTo", upTo))
            .Query(r => r.GetInt64(0)).FirstOrDefault();
        using var update = connection.Command(
            "INSERT INTO member_reads (conversation_id, username, last_read_seq, read_count) VALUES ($c, $u, $upTo, $read) " +
            "ON CONFLICT (conversation_id, username) DO UPDATE SET last_read_seq = excluded.last_read_seq, read_count = excluded.read_count",
            transaction, c, u, ("$upTo", upTo), ("$read", readCount));
        update.ExecuteNonQuery();
        return new ReadState(move.ConversationId, move.Username, upTo, received - readCount);
    }

    public void Dispose()
    {
        _activity.Dispose();
        _received.Dispose();
        _inbox.Dispose();
    }
}
