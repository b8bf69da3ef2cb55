namespace Chat.Storage;

/// <summary>
/// The one JSON shape of a message (docs/api.md, "The message object"): a history item of
/// <c>GET /v1/conversations/{id}/messages</c> and the <c>message</c> of a <c>message.new</c> or
/// <c>message.updated</c> frame are all this record, serialized snake_case with nulls left out.
/// </summary>
/// <param name="Payload">Null (left out) once the message is deleted.</param>
/// <param name="Reactions">Each emoji once, with how many reacted with it and whether the reader did (<c>me</c>).</param>
public sealed record PublicMessage(
    string MessageId, string ConversationId, long SequenceNumber, string From, IReadOnlyList<string> To,
    IReadOnlyList<string> Channels, PublicPayload? Payload, DateTimeOffset SentAt, long Version = 1, DateTimeOffset? EditedAt = null,
    bool? Deleted = null, DateTimeOffset? DeletedAt = null, string? ReplyTo = null, PublicReplyQuote? ReplyQuote = null,
    IReadOnlyList<PublicReaction>? Reactions = null, string? ThreadRoot = null, bool? AlsoSendToConversation = null, PublicThread? Thread = null)
{
    /// <param name="reader">Whose <c>me</c> the reactions carry (null: no one's).</param>
    public static PublicMessage Of(StoredMessage m, string? reader) => new(m.MessageId, m.ConversationId, m.SequenceNumber, m.From, m.To, m.Channels,
        m.DeletedAt is null ? PublicPayload.Of(m.Payload) with { Mentions = m.Mentions is { Count: > 0 } mentions ? mentions : null } : null, m.SentAt, m.Version, m.EditedAt, m.DeletedAt is null ? null : true, m.DeletedAt,
        m.Reply?.MessageId, m.Reply is { } r ? new PublicReplyQuote(r.From, r.Deleted ? null : r.Text, r.Deleted ? true : null) : null,
        PublicReaction.Of(m.Reactions, reader), m.ThreadRoot, m.ThreadRoot is not null && m.AlsoToConversation ? true : null,
        m.Thread is { } t ? new PublicThread(t.ReplyCount, t.LastReplyAt, t.Participants) : null);

    public static PublicMessage Of(StoredMessage m) => Of(m, null);
}

/// <summary>A thread root's summary (issue 25): how many replies, when the newest came, who wrote them.</summary>
public sealed record PublicThread(long ReplyCount, DateTimeOffset LastReplyAt, IReadOnlyList<string> Participants);

/// <summary>The quote of the message a reply answers: its sender and the start of its text; only <c>deleted</c> once it is deleted.</summary>
public sealed record PublicReplyQuote(string From, string? Text, bool? Deleted);

public sealed record PublicReaction(string Emoji, int Count, bool Me)
{
    public static IReadOnlyList<PublicReaction> Of(IReadOnlyList<Reaction>? reactions, string? reader) =>
        (reactions ?? []).Where(r => r.Users.Count > 0).Select(r => new PublicReaction(r.Emoji, r.Users.Count, reader is not null && r.Users.Contains(reader))).ToList();
}

/// <param name="File">For a file message: what the file is (name, type, size, SHA-256); <c>GET /v1/files/{file_id}</c> gives a download URL.</param>
/// <param name="Event">For a system message (type <c>system</c>): which change (<see cref="ChangeKinds"/>), with its actor, target, role, title and new owner.</param>
/// <param name="Ciphertexts">For an end-to-end encrypted message (type <c>encrypted</c>): a copy per device, as the sender made them.</param>
/// <param name="ThumbnailUrl">In history pages, for a file message whose image has its thumbnail: signed when read, like a download URL.</param>
public sealed record PublicPayload(string Type, string? Text, string? FileId, FileSummary? File, string? Event = null, string? Actor = null, string? Target = null,
    string? Role = null, string? Title = null, string? NewOwner = null, IReadOnlyList<Ciphertext>? Ciphertexts = null, IReadOnlyList<string>? Mentions = null,
    Uri? ThumbnailUrl = null)
{
    public static PublicPayload Of(MessagePayload p) => p.System is { } s
        ? new PublicPayload(p.Type, null, null, null, s.Event, s.Actor, s.Target, s.Role, s.Title, s.NewOwner)
        : new PublicPayload(p.Type, p.Text, p.FileId, p.File, Ciphertexts: p.Ciphertexts);
}
