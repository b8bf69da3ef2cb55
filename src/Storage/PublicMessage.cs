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
    IReadOnlyList<PublicReaction>? Reactions = null, string? ThreadRoot = null, bool? AlsoSendToConversation = null, PublicThread? Thread = null,
    bool? FromDeleted = null)
{
    /// <summary>What a deleted account is called wherever a message names it (docs/api.md, "Deleted accounts").</summary>
    public const string DeletedUser = "deleted user";

    /// <summary>Every username the message shows: its sender, recipients, quote, thread, system event and mentions.</summary>
    public IEnumerable<string> NamesShown() =>
        new[] { From, ReplyQuote?.From, Payload?.Actor, Payload?.Target, Payload?.NewOwner }.OfType<string>()
            .Concat(To).Concat(Thread?.Participants ?? []).Concat(Payload?.Mentions ?? []);

    /// <summary>
    /// The message as readers see it once some of its people deleted their accounts: each of <paramref name="deleted"/>
    /// reads <see cref="DeletedUser"/>, and a deleted sender adds <c>from_deleted</c>. The store keeps the names (they
    /// stay reserved), so this is decided at each read and a deletion needs no rewrite of history.
    /// </summary>
    public PublicMessage Attributed(IReadOnlySet<string> deleted)
    {
        if (deleted.Count == 0 || !NamesShown().Any(deleted.Contains)) return this;
        string Name(string n) => deleted.Contains(n) ? DeletedUser : n;
        IReadOnlyList<string> Each(IReadOnlyList<string> names) => names.Select(Name).Distinct().ToList();
        return this with
        {
            From = Name(From),
            FromDeleted = deleted.Contains(From) ? true : null,
            To = Each(To),
            ReplyQuote = ReplyQuote is { } q ? q with { From = Name(q.From), FromDeleted = deleted.Contains(q.From) ? true : null } : null,
            Thread = Thread is { } t ? t with { Participants = Each(t.Participants) } : null,
            Payload = Payload is { } p
                ? p with
                {
                    Actor = p.Actor is { } a ? Name(a) : null,
                    Target = p.Target is { } g ? Name(g) : null,
                    NewOwner = p.NewOwner is { } o ? Name(o) : null,
                    Mentions = p.Mentions is { } m ? Each(m) : null,
                }
                : null,
        };
    }

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
public sealed record PublicReplyQuote(string From, string? Text, bool? Deleted, bool? FromDeleted = null);

public sealed record PublicReaction(string Emoji, int Count, bool Me)
{
    public static IReadOnlyList<PublicReaction> Of(IReadOnlyList<Reaction>? reactions, string? reader) =>
        (reactions ?? []).Where(r => r.Users.Count > 0).Select(r => new PublicReaction(r.Emoji, r.Users.Count, reader is not null && r.Users.Contains(reader))).ToList();
}

/// <param name="File">For a file message: what the file is (name, type, size, SHA-256); <c>GET /v1/files/{file_id}</c> gives a download URL.</param>
/// <param name="Event">For a system message (type <c>system</c>): which change (<see cref="ChangeKinds"/>), with its actor, target, role, title and new owner.</param>
/// <param name="Ciphertexts">For an end-to-end encrypted message (type <c>encrypted</c>): a copy per device, as the sender made them.</param>
/// <param name="Call">For a call's system message (event <c>call.ended</c>, issue 21): how the call went.</param>
/// <param name="ThumbnailUrl">In history pages, for a file message whose image has its thumbnail: signed when read, like a download URL.</param>
public sealed record PublicPayload(string Type, string? Text, string? FileId, FileSummary? File, string? Event = null, string? Actor = null, string? Target = null,
    string? Role = null, string? Title = null, string? NewOwner = null, IReadOnlyList<Ciphertext>? Ciphertexts = null, IReadOnlyList<string>? Mentions = null,
    PublicCall? Call = null, Uri? ThumbnailUrl = null)
{
    public static PublicPayload Of(MessagePayload p) => p.System is { } s
        ? new PublicPayload(p.Type, null, null, null, s.Event, s.Actor, s.Target, s.Role, s.Title, s.NewOwner, Call: s.Call is { } c ? PublicCall.Of(c) : null)
        : new PublicPayload(p.Type, p.Text, p.FileId, p.File, Ciphertexts: p.Ciphertexts);
}

/// <summary>A call as its system message shows it; the same fields, with the same values, as its item in <c>GET /v1/calls</c>.</summary>
/// <param name="DurationSeconds">From the answer to the end; null (left out) for a call never answered.</param>
public sealed record PublicCall(string CallId, string Media, string Outcome, IReadOnlyList<string> Participants, IReadOnlyList<string> Joined,
    DateTimeOffset StartedAt, DateTimeOffset? AnsweredAt, DateTimeOffset EndedAt, double? DurationSeconds)
{
    public static PublicCall Of(CallSummary c) => new(c.CallId, c.Media, c.Outcome, c.Participants, c.Joined, c.StartedAt, c.AnsweredAt, c.EndedAt,
        c.AnsweredAt is { } answered ? (c.EndedAt - answered).TotalSeconds : null);
}
