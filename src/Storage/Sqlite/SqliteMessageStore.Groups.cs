using System.Text.Json;
using Chat.Shared;
using Chat.Shared.Http;
using Microsoft.Data.Sqlite;

namespace Chat.Storage.Sqlite;

// Groups and roles (issue 16): membership stretches, changes decided in order as system messages, archives.
internal sealed partial class SqliteMessageStore
{
    /// <summary>
    /// Version 4: membership as stretches <c>[joined_seq, left_seq)</c> with roles (every existing member
    /// joined at 0; a group's creator owns it), refused changes (so a replay decides as the first pass
    /// did), archives, and the payload of system messages. <c>conversation_members</c> stays the
    /// current members. Idempotent: a crash before its version is recorded applies it again.
    /// </summary>
    private static readonly SqliteMigration GroupsMigration = new(4, "membership stretches and roles, refused changes, archives, system messages", connection =>
    {
        using (var transaction = connection.BeginTransaction(deferred: false))
        {
            SqliteDatabase.Execute(connection, """
                CREATE TABLE IF NOT EXISTS member_intervals (
                    conversation_id TEXT NOT NULL,
                    username        TEXT NOT NULL,
                    joined_seq      INTEGER NOT NULL,
                    left_seq        INTEGER,
                    role            TEXT,
                    joined_at       TEXT NOT NULL,
                    PRIMARY KEY (conversation_id, username, joined_seq)
                );
                CREATE INDEX IF NOT EXISTS ix_intervals_open ON member_intervals (conversation_id, username) WHERE left_seq IS NULL;
                INSERT OR IGNORE INTO member_intervals (conversation_id, username, joined_seq, left_seq, role, joined_at)
                    SELECT m.conversation_id, m.username, 0, NULL,
                           CASE WHEN c.type <> 'group' THEN NULL WHEN m.username = c.created_by THEN 'owner' ELSE 'member' END, c.created_at
                    FROM conversation_members m JOIN conversations c ON c.conversation_id = m.conversation_id;
                CREATE TABLE IF NOT EXISTS refused_changes (
                    event_id        TEXT PRIMARY KEY,
                    conversation_id TEXT NOT NULL,
                    detail          TEXT NOT NULL,
                    at              TEXT NOT NULL
                );
                CREATE TABLE IF NOT EXISTS conversation_archives (
                    conversation_id  TEXT NOT NULL,
                    username         TEXT NOT NULL,
                    archived_seq     INTEGER NOT NULL,
                    until_unarchived INTEGER NOT NULL,
                    PRIMARY KEY (username, conversation_id)
                );
                CREATE INDEX IF NOT EXISTS ix_messages_by_file ON messages (conversation_id, file_id) WHERE file_id IS NOT NULL;
                """, transaction);
            transaction.Commit();
        }
        if (!SqliteMigrations.HasColumn(connection, "main", "messages", "system_event"))
            SqliteDatabase.Execute(connection, "ALTER TABLE messages ADD COLUMN system_event TEXT");
    });

    /// <summary>SQL true when <paramref name="user"/> archived <paramref name="conversation"/> and nothing newer arrived since (or for good).</summary>
    private static string ArchivedFor(string conversation, string user) =>
        $"EXISTS (SELECT 1 FROM conversation_archives a JOIN conversations ac ON ac.conversation_id = a.conversation_id " +
        $"WHERE a.conversation_id = {conversation} AND a.username = {user} AND (a.until_unarchived = 1 OR ac.last_seq <= a.archived_seq))";

    private static string? InitialRole(Conversation draft, string username) =>
        draft.Type != Conversation.Group ? null : username == draft.CreatedBy ? Roles.Owner : Roles.Member;

    public Task<IReadOnlyList<MemberInterval>> MembershipAsync(string conversationId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => LoadIntervals(connection, conversationId, null)));

    private static IReadOnlyList<MemberInterval> LoadIntervals(SqliteConnection connection, string conversationId, SqliteTransaction? tx) =>
        connection.Command("SELECT username, role, joined_seq, left_seq, joined_at FROM member_intervals WHERE conversation_id = $c ORDER BY joined_seq, rowid",
                tx, ("$c", conversationId))
            .Query(r => new MemberInterval(r.GetString(0), r.StringOrNull(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt64(3), r.Time(4))).ToList();

    public Task<ChangeResult> ApplyChangeAsync(ChangeEvent change, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            // Decided or not, no longer the journal's to produce again.
            AcceptanceJournalTable.Clear(connection, tx, [change.EventId]);
            if (connection.Command($"SELECT {MessageColumns} FROM messages m WHERE m.message_id = $id", tx, ("$id", change.EventId))
                    .Query(ReadMessage).FirstOrDefault() is { } applied)
                return new ChangeResult(ChangeOutcome.Duplicate, applied, LoadConversation(connection, change.ConversationId, tx)?.Members);
            if (connection.Command("SELECT detail FROM refused_changes WHERE event_id = $id", tx, ("$id", change.EventId))
                    .Query(r => r.GetString(0)).FirstOrDefault() is { } why)
                return new ChangeResult(ChangeOutcome.Duplicate, RefusedBecause: why);
            if (LoadConversation(connection, change.ConversationId, tx) is not { } conversation) return new ChangeResult(ChangeOutcome.UnknownConversation);

            var now = clock.GetUtcNow();
            switch (GroupRules.Decide(conversation, LoadIntervals(connection, change.ConversationId, tx), change.Request))
            {
                case Outcome<DecidedChange>.Refused { Why: var refusal }:
                    var detail = refusal.Describe();
                    Execute(connection, tx, "INSERT INTO refused_changes VALUES ($id, $c, $d, $at)",
                        ("$id", change.EventId), ("$c", change.ConversationId), ("$d", detail), ("$at", now.Iso()));
                    return new ChangeResult(ChangeOutcome.Refused, RefusedBecause: detail);
                case Outcome<DecidedChange>.Done { Value: var decided }:
                    var seq = connection.Command("UPDATE conversations SET last_seq = last_seq + 1 WHERE conversation_id = $c RETURNING last_seq", tx,
                        ("$c", change.ConversationId)).Query(r => r.GetInt64(0)).Single();
                    var message = SystemMessages.Of(change, decided);
                    InsertSystemMessage(connection, tx, message, seq, now, SystemMessages.Deliveries(decided));
                    foreach (var effect in decided.Effects) Apply(connection, tx, change.ConversationId, effect, seq, now);
                    var stored = new StoredMessage(message.MessageId, message.ConversationId, seq, message.From, message.To, message.Channels, message.Payload,
                        message.AcceptedAt, now);
                    return new ChangeResult(ChangeOutcome.Applied, stored, decided.MembersAfter);
                default:
                    throw new InvalidOperationException("An outcome neither done nor refused.");
            }
        }, cancellationToken);

    private static void InsertSystemMessage(SqliteConnection connection, SqliteTransaction tx, NewMessage m, long seq, DateTimeOffset now,
        IReadOnlyList<Delivery> deliveries)
    {
        Execute(connection, tx,
            "INSERT INTO messages (message_id, conversation_id, sequence_number, sender, recipients, channels, payload_type, accepted_at, sent_at, system_event) " +
            "VALUES ($id, $c, $seq, $from, $to, $channels, $type, $accepted, $sent, $system)",
            ("$id", m.MessageId), ("$c", m.ConversationId), ("$seq", seq), ("$from", m.From), ("$to", JsonSerializer.Serialize(m.To)),
            ("$channels", JsonSerializer.Serialize(m.Channels)), ("$type", m.Payload.Type), ("$accepted", m.AcceptedAt.Iso()), ("$sent", now.Iso()),
            ("$system", JsonSerializer.Serialize(m.Payload.System!, StorageJsonContext.Default.SystemEvent)));
        // Born published, "accepted" and "sent" alike (SystemMessages.Deliveries says why).
        Execute(connection, tx, "INSERT INTO status_history (message_id, status, at, published) VALUES ($id, $s, $at, 1)",
            ("$id", m.MessageId), ("$s", MessageStatus.Accepted), ("$at", m.AcceptedAt.Iso()));
        foreach (var d in deliveries)
        {
            Execute(connection, tx, "INSERT INTO message_recipients VALUES ($id, $u, $ch, $s, $at)",
                ("$id", m.MessageId), ("$u", d.Recipient), ("$ch", d.Channel), ("$s", d.Status), ("$at", now.Iso()));
            Execute(connection, tx, "INSERT INTO status_history (message_id, status, at, recipient, channel, published) VALUES ($id, $s, $at, $u, $ch, 1)",
                ("$id", m.MessageId), ("$s", d.Status), ("$at", now.Iso()), ("$u", d.Recipient), ("$ch", d.Channel));
        }
    }

    private static void Apply(SqliteConnection connection, SqliteTransaction tx, string conversationId, MembershipEffect effect, long seq, DateTimeOffset now)
    {
        switch (effect)
        {
            case MembershipEffect.Join(var username, var role):
                Execute(connection, tx, "INSERT INTO member_intervals (conversation_id, username, joined_seq, role, joined_at) VALUES ($c, $u, $seq, $r, $at)",
                    ("$c", conversationId), ("$u", username), ("$seq", seq), ("$r", role), ("$at", now.Iso()));
                Execute(connection, tx, "INSERT OR IGNORE INTO conversation_members (conversation_id, username) VALUES ($c, $u)", ("$c", conversationId), ("$u", username));
                break;
            case MembershipEffect.Leave(var username):
                // They see the system message that removed them, and nothing after it.
                Execute(connection, tx, "UPDATE member_intervals SET left_seq = $left WHERE conversation_id = $c AND username = $u AND left_seq IS NULL",
                    ("$left", seq + 1), ("$c", conversationId), ("$u", username));
                Execute(connection, tx, "DELETE FROM conversation_members WHERE conversation_id = $c AND username = $u", ("$c", conversationId), ("$u", username));
                break;
            case MembershipEffect.SetRole(var username, var role):
                Execute(connection, tx, "UPDATE member_intervals SET role = $r WHERE conversation_id = $c AND username = $u AND left_seq IS NULL",
                    ("$r", role), ("$c", conversationId), ("$u", username));
                break;
            case MembershipEffect.SetTitle(var title):
                Execute(connection, tx, "UPDATE conversations SET title = $t WHERE conversation_id = $c", ("$t", title), ("$c", conversationId));
                break;
        }
    }

    public Task<IReadOnlyList<StoredMessage>> GetMessagesWithinAsync(string conversationId, IReadOnlyList<MemberInterval> within, long afterSequence, int limit,
        CancellationToken cancellationToken = default)
    {
        if (within.Count == 0) return Task.FromResult<IReadOnlyList<StoredMessage>>([]);
        var ranges = string.Join(" OR ", within.Select((_, i) => $"(m.sequence_number >= $from{i} AND ($to{i} IS NULL OR m.sequence_number < $to{i}))"));
        var parameters = within.SelectMany((w, i) => new (string, object?)[] { ($"$from{i}", w.JoinedSeq), ($"$to{i}", w.LeftSeq) })
            .Concat([("$c", conversationId), ("$after", afterSequence), ("$n", limit)]).ToArray();
        return Task.FromResult<IReadOnlyList<StoredMessage>>(_db.Read(connection => connection.Command(
                $"SELECT {MessageColumns} FROM messages m WHERE m.conversation_id = $c AND m.sequence_number > $after AND ({ranges}) ORDER BY m.sequence_number LIMIT $n",
                null, parameters)
            .Query(ReadMessage).ToList().WithReactions(connection, null)));
    }

    public Task<IReadOnlyList<long>> FileMessageSequencesAsync(string conversationId, string fileId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<long>>(_db.Read(connection => connection.Command(
                "SELECT sequence_number FROM messages WHERE conversation_id = $c AND file_id = $f ORDER BY sequence_number", null, ("$c", conversationId), ("$f", fileId))
            .Query(r => r.GetInt64(0)).ToList()));

    public Task SetArchivedAsync(string conversationId, string username, bool archived, bool untilUnarchived, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            if (archived)
                Execute(connection, tx,
                    "INSERT OR REPLACE INTO conversation_archives SELECT conversation_id, $u, last_seq, $forGood FROM conversations WHERE conversation_id = $c",
                    ("$c", conversationId), ("$u", username), ("$forGood", untilUnarchived ? 1 : 0));
            else
                Execute(connection, tx, "DELETE FROM conversation_archives WHERE conversation_id = $c AND username = $u", ("$c", conversationId), ("$u", username));
            return 0;
        }, cancellationToken);

    private static void Execute(SqliteConnection connection, SqliteTransaction tx, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.Command(sql, tx, parameters);
        command.ExecuteNonQuery();
    }
}
