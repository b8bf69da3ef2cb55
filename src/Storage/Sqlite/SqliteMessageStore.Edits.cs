using System.Text.Json;
using Chat.Shared;
using Chat.Shared.Http;
using Microsoft.Data.Sqlite;

namespace Chat.Storage.Sqlite;

// Edits, deletes, reactions and replies (issue 17): changes to a stored message, decided in partition order.
internal sealed partial class SqliteMessageStore
{
    /// <summary>
    /// Version 6: a message's <c>version</c> (1 as sent, one more per edit or delete), when it was last
    /// edited, when it was deleted (a tombstone: its text, file and file summary are cleared, its row and
    /// sequence number stay), and the message a reply answers. An edit updates <c>text</c> in place and a
    /// delete sets it NULL, so what indexes that column (search) follows.
    /// </summary>
    private static readonly SqliteMigration EditsMigration = new(6, "message versions, edits, tombstones and replies", connection =>
    {
        foreach (var (column, definition) in new[] { ("version", "INTEGER NOT NULL DEFAULT 1"), ("edited_at", "TEXT"), ("deleted_at", "TEXT"), ("reply_to", "TEXT") })
            if (!SqliteMigrations.HasColumn(connection, "main", "messages", column))
                SqliteDatabase.Execute(connection, $"ALTER TABLE messages ADD COLUMN {column} {definition}");
    });

    /// <summary>
    /// Version 7: reactions, one row per user per emoji per message; and every message change decided, by
    /// its event id, so a replayed change is applied once and decides as its first pass did.
    /// </summary>
    private static readonly SqliteMigration ReactionsMigration = SqliteMigration.Sql(7, "reactions and decided message changes", """
        CREATE TABLE IF NOT EXISTS message_reactions (
            message_id TEXT NOT NULL,
            emoji      TEXT NOT NULL,
            username   TEXT NOT NULL,
            at         TEXT NOT NULL,
            PRIMARY KEY (message_id, emoji, username)
        );
        CREATE TABLE IF NOT EXISTS message_changes (
            event_id        TEXT PRIMARY KEY,
            conversation_id TEXT NOT NULL,
            message_id      TEXT NOT NULL,
            outcome         TEXT NOT NULL,
            detail          TEXT,
            at              TEXT NOT NULL
        );
        """);

    private const string Refused = "refused";

    public Task<StoredMessage?> FindMessageAsync(string messageId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_db.Read(connection => FindMessage(connection, null, messageId)));

    private static StoredMessage? FindMessage(SqliteConnection connection, SqliteTransaction? tx, string messageId) =>
        connection.Command($"SELECT {MessageColumns} FROM messages m WHERE m.message_id = $id", tx, ("$id", messageId))
            .Query(ReadMessage).ToList().WithReactions(connection, tx).FirstOrDefault();

    public Task<MessageChangeResult> ApplyMessageChangeAsync(MessageChangeEvent change, TimeSpan editWindow, CancellationToken cancellationToken = default) =>
        _db.WriteAsync((connection, tx) =>
        {
            AcceptanceJournalTable.Clear(connection, tx, [change.EventId]);
            var request = change.Request;
            var decidedBefore = connection.Command("SELECT outcome, detail FROM message_changes WHERE event_id = $id", tx, ("$id", change.EventId))
                .Query(r => (Outcome: r.GetString(0), Detail: r.StringOrNull(1))).FirstOrDefault();
            if (LoadConversation(connection, change.ConversationId, tx) is not { } conversation) return new MessageChangeResult(MessageChangeOutcome.UnknownConversation);
            var intervals = LoadIntervals(connection, change.ConversationId, tx);
            var message = FindMessage(connection, tx, request.MessageId);
            var audience = message is null ? [] : MessageRules.AudienceOf(intervals, message.SequenceNumber);
            if (decidedBefore.Outcome is not null)
                return new MessageChangeResult(MessageChangeOutcome.Duplicate, message, audience, decidedBefore.Outcome == Refused ? decidedBefore.Detail : null,
                    FindMessage(connection, tx, change.EventId));

            var now = clock.GetUtcNow();
            if (MessageRules.Check(conversation, intervals, message, request, editWindow, change.AcceptedAt) is { } refusal)
            {
                Record(Refused, refusal.Describe());
                return new MessageChangeResult(MessageChangeOutcome.Refused, RefusedBecause: refusal.Describe());
            }
            if (MessageChangeKinds.IsPin(request.Kind))
            {
                var recorded = ApplyPin(connection, tx, change, intervals, now);
                Record(recorded is null ? "unchanged" : "applied", null);
                return new MessageChangeResult(recorded is null ? MessageChangeOutcome.Unchanged : MessageChangeOutcome.Applied, message, audience, SystemMessage: recorded);
            }
            var changed = request.Kind switch
            {
                MessageChangeKinds.Edited => Run("UPDATE messages SET text = $t, version = version + 1, edited_at = $at WHERE message_id = $id",
                    ("$t", request.Text), ("$at", now.Iso()), ("$id", request.MessageId)),
                // A tombstone: nothing of what was said stays, nor its reactions; the file is no longer carried by it.
                MessageChangeKinds.Deleted => Run("UPDATE messages SET text = NULL, file_id = NULL, file_meta = NULL, version = version + 1, deleted_at = $at WHERE message_id = $id",
                    ("$at", now.Iso()), ("$id", request.MessageId)) + Run("DELETE FROM message_reactions WHERE message_id = $id", ("$id", request.MessageId)),
                MessageChangeKinds.ReactionAdded => Run("INSERT OR IGNORE INTO message_reactions VALUES ($id, $e, $u, $at)",
                    ("$id", request.MessageId), ("$e", request.Emoji), ("$u", request.Actor), ("$at", now.Iso())),
                _ => Run("DELETE FROM message_reactions WHERE message_id = $id AND emoji = $e AND username = $u",
                    ("$id", request.MessageId), ("$e", request.Emoji), ("$u", request.Actor)),
            };
            if (request.Kind is MessageChangeKinds.Edited or MessageChangeKinds.Deleted)
                Run("UPDATE conversation_activity SET last_preview = $p WHERE conversation_id = $c AND last_message_id = $id",
                    ("$p", MessageRules.PreviewAfter(request)),
                    ("$c", change.ConversationId), ("$id", request.MessageId));
            var outcome = changed > 0 ? MessageChangeOutcome.Applied : MessageChangeOutcome.Unchanged;
            Record(outcome.ToString().ToLowerInvariant(), null);
            return new MessageChangeResult(outcome, FindMessage(connection, tx, request.MessageId), audience);

            int Run(string sql, params (string, object?)[] parameters)
            {
                using var command = connection.Command(sql, tx, parameters);
                return command.ExecuteNonQuery();
            }

            void Record(string outcome, string? detail) => Run("INSERT INTO message_changes VALUES ($id, $c, $m, $o, $d, $at)",
                ("$id", change.EventId), ("$c", change.ConversationId), ("$m", request.MessageId), ("$o", outcome), ("$d", detail), ("$at", clock.GetUtcNow().Iso()));
        }, cancellationToken);

    public Task AddStatusNotesAsync(IReadOnlyList<Receipt> notes, CancellationToken cancellationToken = default) =>
        notes.Count == 0
            ? Task.CompletedTask
            : _db.WriteAsync((connection, tx) =>
            {
                // The recipient's status as it is, with the note: history only, never a transition (born published).
                foreach (var note in notes)
                    Execute(connection, tx,
                        "INSERT INTO status_history (message_id, status, at, recipient, channel, detail, published) " +
                        "SELECT message_id, status, $at, username, channel, $d, 1 FROM message_recipients WHERE message_id = $id AND username = $u AND channel = $ch",
                        ("$at", note.At.Iso()), ("$d", note.Detail), ("$id", note.MessageId), ("$u", note.Username), ("$ch", note.Channel));
                return 0;
            }, cancellationToken);

    private static ReplyQuote? ReadReply(string? replyTo, string? quote)
    {
        if (replyTo is null) return null;
        if (quote is null) return new ReplyQuote(replyTo, "", null, Deleted: true);
        using var json = JsonDocument.Parse(quote);
        var root = json.RootElement;
        return new ReplyQuote(replyTo, root.GetProperty("from").GetString()!, MessageRules.Quote(root.GetProperty("text").GetString()),
            root.GetProperty("deleted").GetInt32() != 0);
    }
}

internal static class SqliteReactions
{
    /// <summary>The messages with their reactions, read in one query (emoji in the order first used, users in the order they reacted).</summary>
    public static List<StoredMessage> WithReactions(this List<StoredMessage> messages, SqliteConnection connection, SqliteTransaction? tx)
    {
        if (messages.Count == 0) return messages;
        var ids = messages.Select((m, i) => ($"$m{i}", (object?)m.MessageId)).ToArray();
        var rows = connection.Command(
                $"SELECT message_id, emoji, username FROM message_reactions WHERE message_id IN ({string.Join(", ", ids.Select(p => p.Item1))}) ORDER BY rowid", tx, ids)
            .Query(r => (MessageId: r.GetString(0), Emoji: r.GetString(1), User: r.GetString(2))).ToList();
        if (rows.Count == 0) return messages;
        var byMessage = rows.GroupBy(r => r.MessageId).ToDictionary(g => g.Key,
            g => (IReadOnlyList<Reaction>)g.GroupBy(r => r.Emoji).Select(e => new Reaction(e.Key, e.Select(r => r.User).ToList())).ToList());
        return messages.Select(m => byMessage.TryGetValue(m.MessageId, out var reactions) ? m with { Reactions = reactions } : m).ToList();
    }
}
