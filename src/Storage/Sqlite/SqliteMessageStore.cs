using System.Text.Json;
using Chat.Shared;
using Microsoft.Data.Sqlite;

namespace Chat.Storage.Sqlite;

internal sealed partial class SqliteMessageStore(string path, TimeProvider clock) : IMessageStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS conversations (
            conversation_id TEXT PRIMARY KEY,
            type            TEXT NOT NULL,
            title           TEXT,
            direct_key      TEXT UNIQUE,
            created_by      TEXT NOT NULL,
            created_at      TEXT NOT NULL,
            last_seq        INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE IF NOT EXISTS conversation_members (
            conversation_id TEXT NOT NULL REFERENCES conversations,
            username        TEXT NOT NULL,
            PRIMARY KEY (conversation_id, username)
        );
        CREATE INDEX IF NOT EXISTS ix_members_by_user ON conversation_members (username, conversation_id);
        CREATE TABLE IF NOT EXISTS messages (
            message_id      TEXT PRIMARY KEY,
            conversation_id TEXT NOT NULL,
            sequence_number INTEGER NOT NULL,
            sender          TEXT NOT NULL,
            recipients      TEXT NOT NULL,
            channels        TEXT NOT NULL,
            payload_type    TEXT NOT NULL,
            text            TEXT,
            file_id         TEXT,
            accepted_at     TEXT NOT NULL,
            sent_at         TEXT NOT NULL,
            file_meta       TEXT,
            UNIQUE (conversation_id, sequence_number)
        );
        CREATE TABLE IF NOT EXISTS message_recipients (
            message_id TEXT NOT NULL,
            username   TEXT NOT NULL,
            channel    TEXT NOT NULL,
            status     TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (message_id, username, channel)
        );
        CREATE INDEX IF NOT EXISTS ix_recipients_pending ON message_recipients (username, channel, status);
        CREATE TABLE IF NOT EXISTS status_history (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            message_id TEXT NOT NULL,
            status     TEXT NOT NULL,
            at         TEXT NOT NULL,
            recipient  TEXT,
            channel    TEXT,
            detail     TEXT,
            published  INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_history_by_message ON status_history (message_id, id);
        CREATE INDEX IF NOT EXISTS ix_history_unpublished ON status_history (id) WHERE published = 0;
        """;

    // Then the edits and replies of issue 17 (migration 6): a reply's quote is read from the message it answers, as that is now.
    private const string MessageColumns =
        "m.message_id, m.conversation_id, m.sequence_number, m.sender, m.recipients, m.channels, m.payload_type, m.text, m.file_id, m.accepted_at, m.sent_at, m.file_meta, m.system_event, " +
        "m.version, m.edited_at, m.deleted_at, m.reply_to, " +
        "(SELECT json_object('from', q.sender, 'text', substr(COALESCE(q.text, json_extract(q.file_meta, '$.file_name')), 1, 200), 'deleted', q.deleted_at IS NOT NULL) " +
        "FROM messages q WHERE q.message_id = m.reply_to AND q.conversation_id = m.conversation_id), " +
        // Then the threads and mentions of issue 25 (migrations 10 and 11): a root's summary is read from its threads row.
        "m.thread_root, m.also_to_conversation, m.mentions, " +
        "(SELECT json_object('reply_count', t.reply_count, 'last_reply_at', t.last_reply_at, 'participants', json(t.participants)) FROM threads t WHERE t.root_id = m.message_id)";

    /// <summary>How many columns <see cref="MessageColumns"/> selects: the index of a column selected after them.</summary>
    private const int MessageColumnCount = 22;

    // A refused message's rows carry their own conversation and sender (it has no messages row of its own).
    private const string ChangeSelect =
        "SELECT h.id, h.message_id, COALESCE(h.refused_conversation_id, m.conversation_id), " +
        "CASE WHEN h.refused_sender IS NULL THEN m.sequence_number ELSE 0 END, COALESCE(h.refused_sender, m.sender), " +
        "h.status, h.at, h.recipient, h.channel, h.detail, h.refused_sender IS NOT NULL " +
        "FROM status_history h JOIN messages m ON m.message_id = h.message_id";

    private readonly SqliteDatabase _db = new(path, "messages",
        SqliteMigration.Sql(1, "conversations, messages, recipients, status history", Schema),
        SqliteMigration.AddColumn(2, "messages", "file_meta", "TEXT"),
        SqliteMigration.Sql(3, "failed deliveries of messages refused for a taken id",
            "ALTER TABLE status_history ADD COLUMN refused_conversation_id TEXT; ALTER TABLE status_history ADD COLUMN refused_sender TEXT;"),
        GroupsMigration,
        SqliteMigration.Sql(5, "read cursors, unread counters and last activity (filled from the messages stored so far)", ReadCounters.Schema),
        EditsMigration, ReactionsMigration,
        SearchMigration,
        StarsMigration,
        ThreadCounters.ThreadsMigration, ThreadCounters.MentionsMigration, PinsMigration,
        PrivateReadsMigration, EpochsMigration, RestoresMigration);

    public Task<(Conversation Conversation, bool Created)> CreateConversationAsync(Conversation draft, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            var directKey = draft.Type == Conversation.Direct ? string.Join("\n", draft.Members.Order(StringComparer.Ordinal)) : null;
            if (directKey is not null)
            {
                var existing = connection.Command("SELECT conversation_id FROM conversations WHERE direct_key = $k", tx, ("$k", directKey))
                    .Query(r => r.GetString(0)).FirstOrDefault();
                if (existing is not null) return (LoadConversation(connection, existing, tx)!, false);
            }
            using (var insert = connection.Command(
                       "INSERT INTO conversations (conversation_id, type, title, direct_key, created_by, created_at, epoch) VALUES ($id, $t, $title, $k, $by, $at, $e)",
                       tx, ("$id", draft.ConversationId), ("$t", draft.Type), ("$title", draft.Title), ("$k", directKey),
                       ("$by", draft.CreatedBy), ("$at", draft.CreatedAt.Iso()), ("$e", Epochs.New())))
                insert.ExecuteNonQuery();
            using var member = connection.Command("INSERT INTO conversation_members (conversation_id, username) VALUES ($c, $u)", tx,
                ("$c", draft.ConversationId), ("$u", ""));
            using var interval = connection.Command(
                "INSERT INTO member_intervals (conversation_id, username, joined_seq, role, joined_at) VALUES ($c, $u, 0, $r, $at)", tx,
                ("$c", draft.ConversationId), ("$u", ""), ("$r", null), ("$at", draft.CreatedAt.Iso()));
            foreach (var username in draft.Members)
            {
                member.Parameters["$u"].Value = username;
                member.ExecuteNonQuery();
                interval.Bind(("$u", username), ("$r", InitialRole(draft, username)));
                interval.ExecuteNonQuery();
            }
            return (draft, true);
        }, cancellationToken);

    public Task<Conversation?> FindConversationAsync(string conversationId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => LoadConversation(connection, conversationId, null)));

    public Task<IReadOnlyList<Conversation>> ListConversationsAsync(string member, string? before, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<Conversation>>(_db.Read(connection =>
        {
            var ids = connection.Command(
                    "SELECT conversation_id FROM conversation_members m WHERE username = $u AND ($b IS NULL OR conversation_id < $b) " +
                    $"AND NOT {ArchivedFor("m.conversation_id", "$u")} ORDER BY conversation_id DESC LIMIT $n",
                    null, ("$u", member), ("$b", before), ("$n", limit))
                .Query(r => r.GetString(0)).ToList();
            return ids.Select(id => LoadConversation(connection, id, null)!).ToList();
        }));

    public Task<IReadOnlyList<string>> GroupsOfAsync(string member, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>(_db.Read(connection => connection.Command(
                "SELECT m.conversation_id FROM conversation_members m JOIN conversations c ON c.conversation_id = m.conversation_id " +
                "WHERE m.username = $u AND c.type = $g ORDER BY m.conversation_id", null, ("$u", member), ("$g", Conversation.Group))
            .Query(r => r.GetString(0)).ToList()));

    public Task<IReadOnlyDictionary<string, Conversation>> FindConversationsAsync(IReadOnlyCollection<string> conversationIds, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyDictionary<string, Conversation>>(_db.Read(connection => LoadConversations(connection, conversationIds, null)));

    private static Conversation? LoadConversation(SqliteConnection connection, string id, SqliteTransaction? tx) =>
        LoadConversations(connection, [id], tx).GetValueOrDefault(id);

    /// <summary>Those of <paramref name="ids"/> that exist, in two statements however many they are.</summary>
    private static Dictionary<string, Conversation> LoadConversations(SqliteConnection connection, IReadOnlyCollection<string> ids, SqliteTransaction? tx)
    {
        var idList = JsonSerializer.Serialize(ids, StorageJsonContext.Default.IReadOnlyCollectionString);
        var members = connection.Command(
                "SELECT conversation_id, username FROM conversation_members WHERE conversation_id IN (SELECT value FROM json_each($ids)) ORDER BY rowid",
                tx, ("$ids", idList))
            .Query(r => (Conversation: r.GetString(0), Username: r.GetString(1))).ToLookup(m => m.Conversation, m => m.Username);
        return connection.Command(
                "SELECT conversation_id, type, title, created_by, created_at FROM conversations WHERE conversation_id IN (SELECT value FROM json_each($ids))",
                tx, ("$ids", idList))
            .Query(r => new Conversation(r.GetString(0), r.GetString(1), members[r.GetString(0)].ToList(), r.StringOrNull(2), r.GetString(3), r.Time(4)))
            .ToDictionary(c => c.ConversationId);
    }

    public Task<IReadOnlyList<StoreResult>> StoreAsync(IReadOnlyList<MessageToStore> batch, CancellationToken cancellationToken = default) =>
        _db.WriteAsync<IReadOnlyList<StoreResult>>((connection, tx) =>
        {
            var now = clock.GetUtcNow();
            using var findExisting = connection.Command(
                $"SELECT {IdentityColumns}, sequence_number, sent_at FROM messages WHERE message_id = $id", tx, ("$id", ""));
            using var findRefusal = connection.Command(
                "SELECT 1 FROM status_history WHERE message_id = $id AND refused_conversation_id = $c AND refused_sender = $from", tx, ("$id", ""), ("$c", ""), ("$from", ""));
            using var insertRefusal = connection.Command(
                "INSERT INTO status_history (message_id, status, at, recipient, channel, detail, published, refused_conversation_id, refused_sender) " +
                "VALUES ($id, $s, $at, $u, $ch, $d, 0, $c, $from) RETURNING id", tx,
                ("$id", ""), ("$s", MessageStatus.Failed), ("$at", now.Iso()), ("$u", ""), ("$ch", ""), ("$d", ""), ("$c", ""), ("$from", ""));
            using var nextSequence = connection.Command(
                "UPDATE conversations SET last_seq = last_seq + 1 WHERE conversation_id = $c RETURNING last_seq", tx, ("$c", ""));
            using var insertMessage = connection.Command(
                "INSERT INTO messages (message_id, conversation_id, sequence_number, sender, recipients, channels, payload_type, text, file_id, accepted_at, sent_at, file_meta, reply_to, thread_root, also_to_conversation, mentions, system_event) " +
                "VALUES ($id, $c, $seq, $from, $to, $channels, $type, $text, $file, $accepted, $sent, $meta, $reply, $thread, $also, $mentions, $system)", tx,
                ("$id", ""), ("$c", ""), ("$seq", 0L), ("$from", ""), ("$to", ""), ("$channels", ""), ("$type", ""),
                ("$text", null), ("$file", null), ("$accepted", ""), ("$sent", now.Iso()), ("$meta", null), ("$reply", null),
                ("$thread", null), ("$also", 0), ("$mentions", null), ("$system", null));
            using var insertRecipient = connection.Command(
                "INSERT INTO message_recipients VALUES ($id, $u, $ch, $s, $at)", tx,
                ("$id", ""), ("$u", ""), ("$ch", ""), ("$s", ""), ("$at", now.Iso()));
            using var insertHistory = connection.Command(
                "INSERT INTO status_history (message_id, status, at, recipient, channel, detail, published) VALUES ($id, $s, $at, $u, $ch, $d, $p) RETURNING id", tx,
                ("$id", ""), ("$s", ""), ("$at", ""), ("$u", null), ("$ch", null), ("$d", null), ("$p", 0));

            using var readCounters = new ReadCounters(connection, tx);
            using var threadCounters = new ThreadCounters(connection, tx);
            var results = new List<StoreResult>(batch.Count);
            foreach (var (m, deliveries, refusedBecause) in batch)
            {
                findExisting.Parameters["$id"].Value = m.MessageId;
                using (var existing = findExisting.ExecuteReader())
                    if (existing.Read())
                    {
                        var stored = ReadIdentity(existing);
                        results.Add(MessageIds.SameMessage(m, stored.ConversationId, stored.From, stored.Payload, stored.ChangedSince)
                            ? new StoreResult(m, StoreOutcome.Duplicate, existing.GetInt64(IdentityColumnCount), existing.Time(IdentityColumnCount + 1))
                            : Refuse(m, deliveries, MessageIds.ClashDetail(m.MessageId), StoreOutcome.Clash));
                        continue;
                    }
                // Refused now, or at a first pass of this record (a replay must decide as the first pass did).
                findRefusal.Bind(("$id", m.MessageId), ("$c", m.ConversationId), ("$from", m.From));
                if (refusedBecause is not null || findRefusal.ExecuteScalar() is not null)
                {
                    results.Add(Refuse(m, deliveries, refusedBecause ?? "", StoreOutcome.NotMember));
                    continue;
                }
                nextSequence.Parameters["$c"].Value = m.ConversationId;
                if (nextSequence.ExecuteScalar() is not long seq)
                {
                    results.Add(new StoreResult(m, StoreOutcome.UnknownConversation, 0));
                    continue;
                }
                insertMessage.Bind(("$id", m.MessageId), ("$c", m.ConversationId), ("$seq", seq), ("$from", m.From),
                    ("$to", JsonSerializer.Serialize(m.To)), ("$channels", JsonSerializer.Serialize(m.Channels)),
                    ("$type", m.Payload.Type), ("$text", m.Payload.Text), ("$file", m.Payload.FileId), ("$meta", PayloadDetail(m.Payload)), ("$accepted", m.AcceptedAt.Iso()),
                    ("$reply", m.ReplyTo), ("$thread", m.ThreadRoot), ("$also", m.AlsoToConversation ? 1 : 0),
                    ("$mentions", m.Mentions is { Count: > 0 } mentions ? JsonSerializer.Serialize(mentions) : null),
                    ("$system", m.Payload.System is { } system ? JsonSerializer.Serialize(system, StorageJsonContext.Default.SystemEvent) : null));
                insertMessage.ExecuteNonQuery();
                readCounters.Stored(m, seq, now);
                threadCounters.Stored(m, seq, now);
                // "accepted" is the Frontend's 202: history, not news, so it is born published.
                insertHistory.Bind(("$id", m.MessageId), ("$s", MessageStatus.Accepted), ("$at", m.AcceptedAt.Iso()),
                    ("$u", null), ("$ch", null), ("$d", null), ("$p", 1));
                insertHistory.ExecuteNonQuery();
                var changes = new List<StatusChange>(deliveries.Count);
                var bornPublished = SystemMessages.BornPublished(m);
                foreach (var d in deliveries)
                {
                    insertRecipient.Bind(("$id", m.MessageId), ("$u", d.Recipient), ("$ch", d.Channel), ("$s", d.Status));
                    insertRecipient.ExecuteNonQuery();
                    insertHistory.Bind(("$s", d.Status), ("$at", now.Iso()), ("$u", d.Recipient), ("$ch", d.Channel), ("$d", d.Detail), ("$p", bornPublished ? 1 : 0));
                    var changeId = (long)insertHistory.ExecuteScalar()!;
                    if (!bornPublished) changes.Add(new StatusChange(changeId, m.MessageId, m.ConversationId, seq, m.From, d.Status, now, d.Recipient, d.Channel, d.Detail));
                }
                results.Add(new StoreResult(m, StoreOutcome.Stored, seq, now, changes));
            }
            // Stored, duplicate or never storable: either way no longer the journal's to produce again.
            AcceptanceJournalTable.Clear(connection, tx, batch.Select(b => b.Message.MessageId));
            return results;

            // The id is another message's: record this one's deliveries failed, once (a replayed record finds them recorded).
            StoreResult Refuse(NewMessage m, IReadOnlyList<Delivery> deliveries, string detail, StoreOutcome outcome)
            {
                findRefusal.Bind(("$id", m.MessageId), ("$c", m.ConversationId), ("$from", m.From));
                if (findRefusal.ExecuteScalar() is not null) return new StoreResult(m, outcome, 0, Changes: []);
                var changes = new List<StatusChange>(deliveries.Count);
                foreach (var d in deliveries)
                {
                    insertRefusal.Bind(("$id", m.MessageId), ("$u", d.Recipient), ("$ch", d.Channel), ("$d", detail), ("$c", m.ConversationId), ("$from", m.From));
                    var changeId = (long)insertRefusal.ExecuteScalar()!;
                    changes.Add(new StatusChange(changeId, m.MessageId, m.ConversationId, 0, m.From, MessageStatus.Failed, now, d.Recipient, d.Channel, detail, Refused: true));
                }
                return new StoreResult(m, outcome, 0, Changes: changes);
            }
        }, cancellationToken);

    public Task<IReadOnlyList<StatusChange>> UnpublishedStatusChangesAsync(DateTimeOffset recordedBefore, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<StatusChange>>(_db.Read(connection => connection.Command(
                $"{ChangeSelect} WHERE h.published = 0 AND h.at < $before ORDER BY h.id LIMIT $n", null, ("$before", recordedBefore.Iso()), ("$n", limit))
            .Query(ReadChange).ToList()));

    public Task MarkPublishedAsync(IReadOnlyCollection<long> statusChangeIds, CancellationToken cancellationToken = default) =>
        statusChangeIds.Count == 0
            ? Task.CompletedTask
            : _db.WriteAsync((connection, tx) =>
            {
                using var update = connection.Command("UPDATE status_history SET published = 1 WHERE id = $id", tx, ("$id", 0L));
                foreach (var id in statusChangeIds)
                {
                    update.Parameters["$id"].Value = id;
                    update.ExecuteNonQuery();
                }
                return 0;
            }, cancellationToken);

    public Task<MessageStatusView?> GetStatusAsync(string messageId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection =>
        {
            var message = connection.Command($"SELECT {MessageColumns} FROM messages m WHERE m.message_id = $id", null, ("$id", messageId))
                .Query(ReadMessage).FirstOrDefault();
            if (message is null) return null;
            var recipients = connection.Command(
                    "SELECT username, channel, status, updated_at FROM message_recipients WHERE message_id = $id ORDER BY rowid", null, ("$id", messageId))
                .Query(r => new RecipientStatus(r.GetString(0), r.GetString(1), r.GetString(2), r.Time(3))).ToList();
            var history = connection.Command(
                    $"{ChangeSelect} WHERE h.message_id = $id AND h.refused_sender IS NULL ORDER BY h.id",
                    null, ("$id", messageId))
                .Query(ReadChange).ToList();
            return new MessageStatusView(message, MessageStatus.Aggregate(recipients.Select(r => r.Status)), recipients, history);
        }));

    public Task<MessageIdentity?> FindIdentityAsync(string messageId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection.Command($"SELECT {IdentityColumns} FROM messages WHERE message_id = $id", null, ("$id", messageId))
            .Query(ReadIdentity).FirstOrDefault()));

    // What a message with the same id is checked against, by the Frontend (FindIdentityAsync) and by StoreAsync alike.
    private const string IdentityColumns = "conversation_id, sender, payload_type, text, file_id, version > 1 OR deleted_at IS NOT NULL";
    private const int IdentityColumnCount = 6;

    private static MessageIdentity ReadIdentity(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), new MessagePayload(r.GetString(2), r.StringOrNull(3), r.StringOrNull(4)), r.GetBoolean(5));

    public Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string conversationId, long afterSequence, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<StoredMessage>>(_db.Read(connection => connection.Command(
                $"SELECT {MessageColumns} FROM messages m WHERE m.conversation_id = $c AND m.sequence_number > $after ORDER BY m.sequence_number LIMIT $n",
                null, ("$c", conversationId), ("$after", afterSequence), ("$n", limit))
            .Query(ReadMessage).ToList().WithReactions(connection, null)));

    /// <summary>
    /// The payload's structured part, in <c>file_meta</c>: a file's summary, or an encrypted message's
    /// ciphertexts (issue 21; its <c>text</c> stays null, so the search index never sees them).
    /// </summary>
    private static string? PayloadDetail(MessagePayload p) => p switch
    {
        { Type: MessagePayload.EncryptedType, Ciphertexts: { } copies } => JsonSerializer.Serialize(copies, StorageJsonContext.Default.IReadOnlyListCiphertext),
        { File: { } f } => JsonSerializer.Serialize(f, StorageJsonContext.Default.FileSummary),
        _ => null,
    };

    private static StoredMessage ReadMessage(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetString(3),
        JsonSerializer.Deserialize<string[]>(r.GetString(4))!, JsonSerializer.Deserialize<string[]>(r.GetString(5))!,
        new MessagePayload(r.GetString(6), r.StringOrNull(7), r.StringOrNull(8),
            r.StringOrNull(11) is { } meta && r.GetString(6) != MessagePayload.EncryptedType ? JsonSerializer.Deserialize(meta, StorageJsonContext.Default.FileSummary) : null,
            r.StringOrNull(12) is { } system ? JsonSerializer.Deserialize(system, StorageJsonContext.Default.SystemEvent) : null,
            r.StringOrNull(11) is { } copies && r.GetString(6) == MessagePayload.EncryptedType ? JsonSerializer.Deserialize(copies, StorageJsonContext.Default.IReadOnlyListCiphertext) : null),
        r.Time(9), r.Time(10),
        r.GetInt64(13), r.IsDBNull(14) ? null : r.Time(14), r.IsDBNull(15) ? null : r.Time(15), ReadReply(r.StringOrNull(16), r.StringOrNull(17)),
        ThreadRoot: r.StringOrNull(18), AlsoToConversation: r.GetInt64(19) != 0, Thread: ReadThreadSummary(r.StringOrNull(21)),
        Mentions: r.StringOrNull(20) is { } mentions ? JsonSerializer.Deserialize<string[]>(mentions) : null);

    private static StatusChange ReadChange(SqliteDataReader r) => new(
        r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetString(4), r.GetString(5), r.Time(6),
        r.StringOrNull(7), r.StringOrNull(8), r.StringOrNull(9), r.GetBoolean(10));

    public Task<IReadOnlyList<StatusChange>> ApplyReceiptsAsync(IReadOnlyList<Receipt> receipts, CancellationToken cancellationToken = default) =>
        _db.WriteAsync<IReadOnlyList<StatusChange>>((connection, tx) =>
        {
            var changes = new List<StatusChange>();
            foreach (var receipt in receipts)
            {
                var movable = MessageStatus.MovableTo(receipt.Status);
                if (movable.Count == 0) continue;
                // Only statuses below the receipt's may move; failed never does.
                var lower = string.Join(",", movable.Select(s => $"'{s}'"));
                var targets = receipt.MessageId is { } id
                    ? connection.Command($"SELECT {MessageColumns} FROM messages m WHERE m.message_id = $id", tx, ("$id", id)).Query(ReadMessage).ToList()
                    : connection.Command(
                        $"SELECT {MessageColumns} FROM messages m JOIN message_recipients r ON r.message_id = m.message_id " +
                        $"WHERE m.conversation_id = $c AND m.sequence_number <= $upTo AND r.username = $u AND r.channel = $ch AND r.status IN ({lower}) " +
                        "ORDER BY m.sequence_number", tx,
                        ("$c", receipt.ConversationId), ("$upTo", receipt.UpToSequence ?? 0), ("$u", receipt.Username), ("$ch", receipt.Channel))
                        .Query(ReadMessage).ToList();
                foreach (var message in targets)
                {
                    using var update = connection.Command(
                        $"UPDATE message_recipients SET status = $s, updated_at = $at WHERE message_id = $id AND username = $u AND channel = $ch AND status IN ({lower})",
                        tx, ("$s", receipt.Status), ("$at", receipt.At.Iso()), ("$id", message.MessageId), ("$u", receipt.Username), ("$ch", receipt.Channel));
                    if (update.ExecuteNonQuery() == 0) continue;
                    using var history = connection.Command(
                        "INSERT INTO status_history (message_id, status, at, recipient, channel, detail, published) VALUES ($id, $s, $at, $u, $ch, $d, 0) RETURNING id",
                        tx, ("$id", message.MessageId), ("$s", receipt.Status), ("$at", receipt.At.Iso()), ("$u", receipt.Username), ("$ch", receipt.Channel),
                        ("$d", receipt.Detail));
                    var changeId = (long)history.ExecuteScalar()!;
                    changes.Add(new StatusChange(changeId, message.MessageId, message.ConversationId, message.SequenceNumber, message.From,
                        receipt.Status, receipt.At, receipt.Username, receipt.Channel, receipt.Detail));
                }
            }
            return changes;
        }, cancellationToken);

    public Task<IReadOnlyList<StoredMessage>> PendingForAsync(string username, string channel, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<StoredMessage>>(_db.Read(connection => connection.Command(
                $"SELECT {MessageColumns} FROM message_recipients r JOIN messages m ON m.message_id = r.message_id " +
                "WHERE r.username = $u AND r.channel = $ch AND r.status = $sent ORDER BY m.conversation_id, m.sequence_number LIMIT $n",
                null, ("$u", username), ("$ch", channel), ("$sent", MessageStatus.Sent), ("$n", limit))
            .Query(ReadMessage).ToList().WithReactions(connection, null)));

    public Task<IReadOnlyList<string>> PeersOfAsync(string username, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>(_db.Read(connection => connection.Command(
                "SELECT DISTINCT other.username FROM conversation_members mine JOIN conversation_members other " +
                "ON other.conversation_id = mine.conversation_id WHERE mine.username = $u AND other.username <> $u",
                null, ("$u", username))
            .Query(r => r.GetString(0)).ToList()));

    public Task<string?> LastConversationOnChannelAsync(string username, string channel, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => connection.Command(
                "SELECT m.conversation_id FROM message_recipients r JOIN messages m ON m.message_id = r.message_id " +
                "WHERE r.username = $u AND r.channel = $ch ORDER BY m.sent_at DESC LIMIT 1", null, ("$u", username), ("$ch", channel))
            .Query(r => r.GetString(0)).FirstOrDefault()));
}
