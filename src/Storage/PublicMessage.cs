namespace Chat.Storage;

/// <summary>
/// The one JSON shape of a message (docs/api.md, "The message object"): a history item of
/// <c>GET /v1/conversations/{id}/messages</c> and the <c>message</c> of a <c>message.new</c> frame
/// are both this record, serialized snake_case with nulls left out.
/// </summary>
public sealed record PublicMessage(
    string MessageId, string ConversationId, long SequenceNumber, string From, IReadOnlyList<string> To,
    IReadOnlyList<string> Channels, PublicPayload Payload, DateTimeOffset SentAt)
{
    public static PublicMessage Of(StoredMessage m) => new(m.MessageId, m.ConversationId, m.SequenceNumber, m.From, m.To, m.Channels,
        PublicPayload.Of(m.Payload), m.SentAt);
}

/// <param name="File">For a file message: what the file is (name, type, size, SHA-256); <c>GET /v1/files/{file_id}</c> gives a download URL.</param>
/// <param name="Event">For a system message (type <c>system</c>): which change (<see cref="ChangeKinds"/>), with its actor, target, role, title and new owner.</param>
public sealed record PublicPayload(string Type, string? Text, string? FileId, FileSummary? File, string? Event = null, string? Actor = null, string? Target = null,
    string? Role = null, string? Title = null, string? NewOwner = null)
{
    public static PublicPayload Of(MessagePayload p) => p.System is { } s
        ? new PublicPayload(p.Type, null, null, null, s.Event, s.Actor, s.Target, s.Role, s.Title, s.NewOwner)
        : new PublicPayload(p.Type, p.Text, p.FileId, p.File);
}
