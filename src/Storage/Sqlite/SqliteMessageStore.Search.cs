namespace Chat.Storage.Sqlite;

// Full-text search and history backwards (issue 17).
internal sealed partial class SqliteMessageStore
{
    /// <summary>
    /// The FTS5 index of <c>messages.text</c>, an external-content table keyed by the messages rowid,
    /// kept in step by triggers: so every statement that writes a text (the Router's store transaction,
    /// an edit updating it in place, a delete setting it to null) re-indexes it in its own transaction,
    /// whoever wrote it. A null text is not indexed. (A <c>VACUUM</c> may renumber the rowids of
    /// <c>messages</c>, which has no INTEGER PRIMARY KEY: run <c>INSERT INTO messages_fts(messages_fts)
    /// VALUES('rebuild')</c> after one.)
    /// </summary>
    internal const string SearchTriggers = """
        CREATE TRIGGER IF NOT EXISTS messages_fts_insert AFTER INSERT ON messages WHEN new.text IS NOT NULL BEGIN
            INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
        END;
        CREATE TRIGGER IF NOT EXISTS messages_fts_update AFTER UPDATE OF text ON messages BEGIN
            INSERT INTO messages_fts (messages_fts, rowid, text) SELECT 'delete', old.rowid, old.text WHERE old.text IS NOT NULL;
            INSERT INTO messages_fts (rowid, text) SELECT new.rowid, new.text WHERE new.text IS NOT NULL;
        END;
        CREATE TRIGGER IF NOT EXISTS messages_fts_delete AFTER DELETE ON messages WHEN old.text IS NOT NULL BEGIN
            INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
        END;
        """;

    /// <summary>Version 8: the index, its triggers, and every text stored so far (emptied first, so applying it again indexes each once).</summary>
    private static readonly SqliteMigration SearchMigration = SqliteMigration.Sql(8, "full-text index of message texts (FTS5), kept by triggers", $"""
        CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(text, content = 'messages', content_rowid = 'rowid',
            tokenize = 'unicode61 remove_diacritics 2');
        {SearchTriggers}
        INSERT INTO messages_fts (messages_fts) VALUES ('delete-all');
        INSERT INTO messages_fts (rowid, text) SELECT rowid, text FROM messages WHERE text IS NOT NULL;
        """);

    // Within one of the reader's stretches of the message's conversation.
    private const string ReadableByReader =
        "EXISTS (SELECT 1 FROM member_intervals i WHERE i.conversation_id = m.conversation_id AND i.username = $reader " +
        "AND m.sequence_number >= i.joined_seq AND (i.left_seq IS NULL OR m.sequence_number < i.left_seq))";

    public Task<IReadOnlyList<SearchHit>> SearchAsync(MessageQuery query, string? afterMessageId, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<SearchHit>>(query.Words.Count == 0 ? [] : _db.Read(connection =>
        {
            // Newest first is the index's own order: rowids grow as messages are stored.
            var before = long.MaxValue;
            if (afterMessageId is not null)
            {
                var last = connection.Command("SELECT rowid FROM messages WHERE message_id = $id", null, ("$id", afterMessageId)).Query(r => (long?)r.GetInt64(0))
                    .FirstOrDefault();
                if (last is null) return [];
                before = last.Value;
            }
            return connection.Command(
                    $"SELECT {MessageColumns} FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid " +
                    "WHERE messages_fts MATCH $match AND messages_fts.rowid < $before " +
                    $"AND ($c IS NULL OR m.conversation_id = $c) AND ($from IS NULL OR m.sender = $from) AND {ReadableByReader} " +
                    "ORDER BY messages_fts.rowid DESC LIMIT $n", null,
                    ("$match", MatchExpression(query.Words)), ("$before", before), ("$c", query.ConversationId), ("$from", query.From),
                    ("$reader", query.Reader), ("$n", limit))
                .Query(ReadMessage).ToList().WithReactions(connection, null)
                .Select(m =>
                {
                    var (snippet, highlights) = SearchText.Snippet(m.Payload.Text ?? "", query.Words, prefixLast: true);
                    return new SearchHit(m, snippet, highlights);
                })
                .ToList();
        }));

    /// <summary>
    /// Each word as an FTS5 string (quoted, so no input is query syntax), all required; the last one also
    /// as a prefix once it is <see cref="SearchText.MinPrefixLength"/> long.
    /// </summary>
    internal static string MatchExpression(IReadOnlyList<string> words) => string.Join(" ", words.Select((w, i) =>
        "\"" + w.Replace("\"", "\"\"") + "\"" + (i == words.Count - 1 && w.Length >= SearchText.MinPrefixLength ? "*" : "")));

    public Task<IReadOnlyList<StoredMessage>> GetMessagesBeforeWithinAsync(string conversationId, IReadOnlyList<MemberInterval> within, long beforeSequence,
        int limit, CancellationToken cancellationToken = default)
    {
        if (within.Count == 0) return Task.FromResult<IReadOnlyList<StoredMessage>>([]);
        var ranges = string.Join(" OR ", within.Select((_, i) => $"(m.sequence_number >= $from{i} AND ($to{i} IS NULL OR m.sequence_number < $to{i}))"));
        var parameters = within.SelectMany((w, i) => new (string, object?)[] { ($"$from{i}", w.JoinedSeq), ($"$to{i}", w.LeftSeq) })
            .Concat([("$c", conversationId), ("$before", beforeSequence), ("$n", limit)]).ToArray();
        return Task.FromResult<IReadOnlyList<StoredMessage>>(_db.Read(connection => connection.Command(
                $"SELECT {MessageColumns} FROM messages m WHERE m.conversation_id = $c AND m.sequence_number < $before AND ({ranges}) " +
                "ORDER BY m.sequence_number DESC LIMIT $n", null, parameters)
            .Query(ReadMessage).AsEnumerable().Reverse().ToList().WithReactions(connection, null)));
    }
}
