using MongoDB.Bson.Serialization.Attributes;

namespace Chat.Storage.Mongo;

// The shapes stored in MongoDB. A message embeds its recipients' statuses, so a receipt changes
// one document; its history lives beside it, one document per transition (the outbox).

internal sealed class ConversationDocument
{
    [BsonId] public required string Id { get; init; }
    public required string Type { get; init; }
    public string? Title { get; init; }
    [BsonIgnoreIfNull] public string? DirectKey { get; init; }
    public required List<string> Members { get; init; }
    public required string CreatedBy { get; init; }
    public required DateTime CreatedAt { get; init; }
    public long LastSeq { get; init; }

    /// <summary>Changes only when the conversation's history is rebuilt (issue 25); absent in a document written before epochs.</summary>
    [BsonIgnoreIfNull] public string? Epoch { get; init; }

    /// <summary>Membership stretches; absent in a document written before groups had roles (its members then joined at 0).</summary>
    [BsonIgnoreIfNull] public List<IntervalDocument>? Intervals { get; init; }

    public Conversation ToModel() => new(Id, Type, Members, Title, CreatedBy, new DateTimeOffset(CreatedAt, TimeSpan.Zero));

    public IReadOnlyList<MemberInterval> IntervalsModel() =>
        Intervals?.Select(i => new MemberInterval(i.Username, i.Role, i.JoinedSeq, i.LeftSeq, new DateTimeOffset(i.JoinedAt, TimeSpan.Zero))).ToList()
        ?? Members.Select(m => new MemberInterval(m, Type != Conversation.Group ? null : m == CreatedBy ? Roles.Owner : Roles.Member, 0, null,
            new DateTimeOffset(CreatedAt, TimeSpan.Zero))).ToList();

    public static List<IntervalDocument> ToDocuments(IEnumerable<MemberInterval> intervals) =>
        intervals.Select(i => new IntervalDocument { Username = i.Username, Role = i.Role, JoinedSeq = i.JoinedSeq, LeftSeq = i.LeftSeq, JoinedAt = i.JoinedAt.UtcDateTime })
            .ToList();
}

internal sealed class IntervalDocument
{
    public required string Username { get; init; }
    [BsonIgnoreIfNull] public string? Role { get; init; }
    public required long JoinedSeq { get; init; }
    [BsonIgnoreIfNull] public long? LeftSeq { get; init; }
    public required DateTime JoinedAt { get; init; }
}

/// <summary>A change the Router refused, so a replay of its record decides as the first pass did.</summary>
internal sealed class RefusedChangeDocument
{
    [BsonId] public required string Id { get; init; }
    public required string ConversationId { get; init; }
    public required string Detail { get; init; }
    public required DateTime At { get; init; }
}

/// <summary>A member's archive of a conversation; id = conversation id, newline, username.</summary>
internal sealed class ArchiveDocument
{
    [BsonId] public required string Id { get; init; }
    public required string ConversationId { get; init; }
    public required string Username { get; init; }
    public required long ArchivedSeq { get; init; }
    public required bool UntilUnarchived { get; init; }
}

internal sealed class MessageDocument
{
    [BsonId] public required string Id { get; init; }
    public required string ConversationId { get; init; }
    public required long SequenceNumber { get; init; }
    public required string From { get; init; }
    public required List<string> To { get; init; }
    public required List<string> Channels { get; init; }
    public required PayloadDocument Payload { get; init; }
    public required DateTime AcceptedAt { get; init; }
    public required DateTime SentAt { get; init; }
    public required List<RecipientDocument> Recipients { get; init; }

    // Issue 17. Absent in a document written before: version 1, never edited, not deleted, no reply, no reactions.
    [BsonIgnoreIfDefault] public long Version { get; init; }
    [BsonIgnoreIfNull] public DateTime? EditedAt { get; init; }
    [BsonIgnoreIfNull] public DateTime? DeletedAt { get; init; }
    [BsonIgnoreIfNull] public string? ReplyTo { get; init; }
    [BsonIgnoreIfNull] public List<ReactionDocument>? Reactions { get; init; }

    // Issue 25. Absent in a document written before: no thread, no mentions.
    [BsonIgnoreIfNull] public string? ThreadRoot { get; init; }
    [BsonIgnoreIfDefault] public bool AlsoToConversation { get; init; }
    [BsonIgnoreIfNull] public List<string>? Mentions { get; init; }
    [BsonIgnoreIfNull] public ThreadDocument? Thread { get; init; }

    /// <param name="replied">The message this one answers, if it is a reply and that is in the same conversation.</param>
    public StoredMessage ToModel(MessageDocument? replied = null) => new(Id, ConversationId, SequenceNumber, From, To, Channels,
        new MessagePayload(Payload.Type, Payload.Text, Payload.FileId, Payload.File, Payload.System, Payload.Ciphertexts),
        new DateTimeOffset(AcceptedAt, TimeSpan.Zero), new DateTimeOffset(SentAt, TimeSpan.Zero),
        Math.Max(Version, 1), EditedAt is { } edited ? new DateTimeOffset(edited, TimeSpan.Zero) : null,
        DeletedAt is { } deleted ? new DateTimeOffset(deleted, TimeSpan.Zero) : null,
        ReplyTo is null ? null
            : replied is null || replied.ConversationId != ConversationId || replied.DeletedAt is not null ? new ReplyQuote(ReplyTo, replied?.From ?? "", null, Deleted: true)
            : new ReplyQuote(ReplyTo, replied.From, MessageRules.Quote(replied.Payload.Text ?? replied.Payload.File?.FileName), Deleted: false),
        Reactions?.Select(r => new Reaction(r.Emoji, r.Users)).ToList(),
        ThreadRoot, AlsoToConversation,
        Thread is { } t ? new ThreadSummary(t.ReplyCount, new DateTimeOffset(t.LastReplyAt, TimeSpan.Zero), t.Participants) : null, Mentions);
}

/// <summary>A thread root's summary, kept on the root in the transaction that stores each reply (issue 25).</summary>
internal sealed class ThreadDocument
{
    public long ReplyCount { get; init; }
    public DateTime LastReplyAt { get; init; }
    public long LastReplySeq { get; init; }
    public List<string> Participants { get; init; } = [];
}

/// <summary>A member's place in a thread: whether they follow it, and their thread cursor. Id: root, newline, username.</summary>
internal sealed class ThreadMemberDocument
{
    [BsonId] public required string Id { get; init; }
    public required string RootId { get; init; }
    public required string ConversationId { get; init; }
    public required string Username { get; init; }
    public bool Following { get; init; }
    public long LastReadSeq { get; init; }
}

/// <summary>A pinned message (issue 25). Id: conversation, newline, message.</summary>
internal sealed class PinDocument
{
    [BsonId] public required string Id { get; init; }
    public required string ConversationId { get; init; }
    public required string MessageId { get; init; }
    public required string PinnedBy { get; init; }
    public required DateTime PinnedAt { get; init; }
    [BsonIgnoreIfNull] public DateTime? ExpiresAt { get; init; }
}

/// <summary>A message that mentions a member. Id: conversation, username, sequence number.</summary>
internal sealed class MentionDocument
{
    [BsonId] public required string Id { get; init; }
    public required string ConversationId { get; init; }
    public required string Username { get; init; }
    public required long SequenceNumber { get; init; }
}

/// <summary>One emoji on a message, and who put it there in the order they did.</summary>
internal sealed class ReactionDocument
{
    public required string Emoji { get; init; }
    public required List<string> Users { get; init; }
}

/// <summary>A message change the Router decided (applied, unchanged or refused), by its event id: a replay is a duplicate.</summary>
internal sealed class MessageChangeDocument
{
    [BsonId] public required string Id { get; init; }
    public required string ConversationId { get; init; }
    public required string MessageId { get; init; }
    public required string Outcome { get; init; }
    [BsonIgnoreIfNull] public string? Detail { get; init; }
    public required DateTime At { get; init; }
}

internal sealed class PayloadDocument
{
    public required string Type { get; init; }
    [BsonIgnoreIfNull] public string? Text { get; init; }
    [BsonIgnoreIfNull] public string? FileId { get; init; }
    [BsonIgnoreIfNull] public FileSummary? File { get; init; }
    [BsonIgnoreIfNull] public SystemEvent? System { get; init; }
    [BsonIgnoreIfNull] public List<Ciphertext>? Ciphertexts { get; init; }

    public static PayloadDocument Of(MessagePayload p) =>
        new() { Type = p.Type, Text = p.Text, FileId = p.FileId, File = p.File, System = p.System, Ciphertexts = p.Ciphertexts?.ToList() };
}

internal sealed class RecipientDocument
{
    public required string Username { get; init; }
    public required string Channel { get; init; }
    public required string Status { get; init; }
    public required DateTime UpdatedAt { get; init; }
}

internal sealed class HistoryDocument
{
    [BsonId] public required long Id { get; init; }
    public required string MessageId { get; init; }
    public required string ConversationId { get; init; }
    public required long SequenceNumber { get; init; }
    public required string From { get; init; }
    public required string Status { get; init; }
    public required DateTime At { get; init; }
    [BsonIgnoreIfNull] public string? Recipient { get; init; }
    [BsonIgnoreIfNull] public string? Channel { get; init; }
    [BsonIgnoreIfNull] public string? Detail { get; init; }
    public bool Published { get; init; }

    /// <summary>A failed delivery of a message refused for a taken id: not part of the stored message's history.</summary>
    [BsonIgnoreIfDefault] public bool Refused { get; init; }

    public StatusChange ToModel() => new(Id, MessageId, ConversationId, SequenceNumber, From, Status,
        new DateTimeOffset(At, TimeSpan.Zero), Recipient, Channel, Detail, Refused);
}

/// <summary>Hands out blocks of history ids: one round trip per batch, not per change.</summary>
internal sealed class CounterDocument
{
    [BsonId] public required string Id { get; init; }
    public long Value { get; init; }
}
