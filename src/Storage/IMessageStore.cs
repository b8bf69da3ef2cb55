namespace Chat.Storage;

/// <summary>Conversations, messages and their statuses (SQLite embedded, MongoDB distributed).</summary>
public interface IMessageStore : IReadCursorStore, IMessageSearch, IThreadStore
{
    /// <summary>Creates a conversation; a direct one between the same two members is returned instead of duplicated.</summary>
    Task<(Conversation Conversation, bool Created)> CreateConversationAsync(Conversation draft, CancellationToken cancellationToken = default);

    Task<Conversation?> FindConversationAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Those of <paramref name="conversationIds"/> that exist, by id: the Router reads a batch's conversations at once.</summary>
    async Task<IReadOnlyDictionary<string, Conversation>> FindConversationsAsync(IReadOnlyCollection<string> conversationIds, CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<string, Conversation>(conversationIds.Count);
        foreach (var id in conversationIds)
            if (await FindConversationAsync(id, cancellationToken) is { } conversation) found[id] = conversation;
        return found;
    }

    /// <summary>Newest first, without those the member archived (<see cref="SetArchivedAsync"/>); <paramref name="before"/> is the last id of the previous page.</summary>
    Task<IReadOnlyList<Conversation>> ListConversationsAsync(string member, string? before, int limit, CancellationToken cancellationToken = default);

    /// <summary>Every group the user is a member of now, archived or not (an account deletion leaves them all).</summary>
    Task<IReadOnlyList<string>> GroupsOfAsync(string member, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a batch atomically and in order: each new message gets the next sequence number of its
    /// conversation, each of its deliveries its status, and its history <c>accepted</c> plus those
    /// transitions (unpublished: the outbox). A message id already stored is a duplicate and changes nothing.
    /// </summary>
    Task<IReadOnlyList<StoreResult>> StoreAsync(IReadOnlyList<MessageToStore> batch, CancellationToken cancellationToken = default);

    /// <summary>Status changes recorded before <paramref name="recordedBefore"/> and not yet published on chat.status, oldest first (the outbox).</summary>
    Task<IReadOnlyList<StatusChange>> UnpublishedStatusChangesAsync(DateTimeOffset recordedBefore, int limit, CancellationToken cancellationToken = default);

    Task MarkPublishedAsync(IReadOnlyCollection<long> statusChangeIds, CancellationToken cancellationToken = default);

    Task<MessageStatusView?> GetStatusAsync(string messageId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Where the message stored by this id is, who sent it and what it carries, or null: enough to tell a
    /// retry from another message taking its id. The Frontend asks on every send that names its id.
    /// </summary>
    async Task<MessageIdentity?> FindIdentityAsync(string messageId, CancellationToken cancellationToken = default) =>
        await FindMessageAsync(messageId, cancellationToken) is { } m
            ? new MessageIdentity(m.ConversationId, m.From, m.Payload, ChangedSince: m.Version > 1 || m.DeletedAt is not null)
            : null;

    Task<IReadOnlyList<StoredMessage>> GetMessagesAsync(string conversationId, long afterSequence, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies receipts, moving each recipient's status only forward (a receipt that would not is
    /// ignored), appending each transition to history, unpublished. Returns the transitions made.
    /// </summary>
    Task<IReadOnlyList<StatusChange>> ApplyReceiptsAsync(IReadOnlyList<Receipt> receipts, CancellationToken cancellationToken = default);

    /// <summary>Messages to <paramref name="username"/> on <paramref name="channel"/> not yet delivered, per conversation in sequence order.</summary>
    Task<IReadOnlyList<StoredMessage>> PendingForAsync(string username, string channel, int limit, CancellationToken cancellationToken = default);

    /// <summary>Everyone who shares a conversation with <paramref name="username"/>.</summary>
    Task<IReadOnlyList<string>> PeersOfAsync(string username, CancellationToken cancellationToken = default);

    /// <summary>Every stretch of membership of the conversation (current and past), longest-standing first.</summary>
    Task<IReadOnlyList<MemberInterval>> MembershipAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Decides a change at its position (with <see cref="GroupRules.Decide"/>, on the state stored now) and
    /// records it in one transaction: applied, as the next system message with its deliveries (unpublished)
    /// and its effects on the membership; or refused, only that. A change decided before is a duplicate.
    /// </summary>
    Task<ChangeResult> ApplyChangeAsync(ChangeEvent change, CancellationToken cancellationToken = default);

    /// <summary>Like <see cref="GetMessagesAsync"/>, but only messages numbered within one of <paramref name="within"/>.</summary>
    Task<IReadOnlyList<StoredMessage>> GetMessagesWithinAsync(string conversationId, IReadOnlyList<MemberInterval> within, long afterSequence, int limit,
        CancellationToken cancellationToken = default);

    /// <summary>The sequence numbers of the conversation's messages that carry the file.</summary>
    Task<IReadOnlyList<long>> FileMessageSequencesAsync(string conversationId, string fileId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Hides the conversation from <paramref name="username"/>'s list until a message newer than the
    /// newest now is stored, or for good with <paramref name="untilUnarchived"/>; <paramref name="archived"/> false shows it again.
    /// </summary>
    Task SetArchivedAsync(string conversationId, string username, bool archived, bool untilUnarchived, CancellationToken cancellationToken = default);

    /// <summary>The conversation of the newest message sent to <paramref name="username"/> on <paramref name="channel"/>: where their replies there belong.</summary>
    Task<string?> LastConversationOnChannelAsync(string username, string channel, CancellationToken cancellationToken = default);

    /// <summary>One message by id, with its reactions; null when none is stored by that id.</summary>
    Task<StoredMessage?> FindMessageAsync(string messageId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Decides an edit, delete or reaction at its position (with <see cref="MessageRules.Check"/>, on the state
    /// stored now, the window measured to the change's <c>accepted_at</c>) and applies it to the message in
    /// place, in one transaction with the record that it was decided: an edit replaces the text (the
    /// <c>text</c> column, or field, itself) and adds one to the version; a delete makes the message a
    /// tombstone (no text, no file, no reactions; its sequence number kept). A change whose message is not
    /// stored is refused, never applied to another. A change decided before is a duplicate.
    /// </summary>
    Task<MessageChangeResult> ApplyMessageChangeAsync(MessageChangeEvent change, TimeSpan editWindow, CancellationToken cancellationToken = default);

    /// <summary>Appends each note's detail to its recipient's status history, with the status they have (no transition, nothing to publish).</summary>
    Task AddStatusNotesAsync(IReadOnlyList<Receipt> notes, CancellationToken cancellationToken = default);
}
