using System.Text.Json.Serialization;
using Chat.Storage;

namespace Chat.Frontend;

public sealed record CreateConversationRequest(string? Type, List<string?>? Members, string? Title);

/// <param name="MentionCount">In a list: unread messages that mention the member (issue 25).</param>
/// <param name="ThreadUnreadCount">In a list: unread replies in the threads the member follows, kept apart from <paramref name="UnreadCount"/>.</param>
/// <param name="UnreadCount">In a list (and wherever a member's view is shown): what the member has not read (<see cref="IReadCursorStore"/>).</param>
/// <param name="PeerDeleted">A direct conversation whose other member deleted their account: read-only, <paramref name="Members"/> only the reader.</param>
public sealed record ConversationResponse(string ConversationId, string Type, IReadOnlyList<string> Members, string? Title, DateTimeOffset CreatedAt,
    long? UnreadCount = null, long? LastReadSeq = null, LastMessageResponse? LastMessage = null, DateTimeOffset? LastActivityAt = null,
    long? MentionCount = null, long? ThreadUnreadCount = null, bool? PeerDeleted = null)
{
    /// <summary>Every name the answer shows, for <see cref="Chat.Auth.Attribution.DeletedAmongAsync"/>.</summary>
    public IEnumerable<string> NamesShown() => LastMessage is { } m ? Members.Append(m.From) : Members;

    /// <summary>Without the deleted accounts among its members (docs/api.md, "Deleted accounts"); their last message from "deleted user".</summary>
    public ConversationResponse WithoutDeleted(IReadOnlySet<string> deleted) => deleted.Count == 0 ? this : this with
    {
        Members = Members.Where(m => !deleted.Contains(m)).ToList(),
        PeerDeleted = Type == Conversation.Direct && Members.Any(deleted.Contains) ? true : null,
        LastMessage = LastMessage is { } m && deleted.Contains(m.From) ? m with { From = PublicMessage.DeletedUser } : LastMessage,
    };

    public static ConversationResponse Of(Conversation c) => new(c.ConversationId, c.Type, c.Members, c.Title, c.CreatedAt);

    /// <summary>As its member sees it: with their read state and the newest message.</summary>
    public static ConversationResponse Of(ConversationActivity a) => Of(a.Conversation) with
    {
        UnreadCount = a.Read.UnreadCount,
        LastReadSeq = a.Read.LastReadSeq,
        LastActivityAt = a.LastActivityAt,
        LastMessage = a.LastMessage is { } m ? new LastMessageResponse(m.MessageId, m.From, m.Preview, m.SentAt) : null,
    };
}

public sealed record LastMessageResponse(string MessageId, string From, string Preview, DateTimeOffset SentAt);

public sealed record ReadRequest(long? UpToSeq, string? Member);

public sealed record ReadResponse(string ConversationId, long UpToSeq);

/// <param name="FromSeq">The first message to show as unread again: the cursor moves back to just before it.</param>
public sealed record UnreadRequest(long? FromSeq, string? Member);

public sealed record UnreadMarked(string ConversationId, long FromSeq);

/// <param name="Private">Private read mode: reads clear one's own badges but send no read receipts to anyone.</param>
public sealed record ReadReceiptsSetting(bool? Private);

public sealed record EpochResponse(string ConversationId, string Epoch);

public sealed record UnreadConversation(string ConversationId, long UnreadCount, long LastReadSeq);

public sealed record UnreadResponse(long Total, IReadOnlyList<UnreadConversation> Conversations);

public sealed record ConversationPage(IReadOnlyList<ConversationResponse> Items, string? NextCursor);

/// <summary>
/// <c>GET /v1/conversations/{id}</c>: with the caller's read state and the newest message when the
/// caller is a member (a client reading for someone gets the conversation without them).
/// </summary>
public sealed record ConversationDetails(
    string ConversationId, string Type, string? Title, IReadOnlyList<string> Members, IReadOnlyList<MemberDetail> MemberDetails, DateTimeOffset CreatedAt,
    long? UnreadCount = null, long? LastReadSeq = null, LastMessageResponse? LastMessage = null, bool? PeerDeleted = null)
{
    public IEnumerable<string> NamesShown() => LastMessage is { } m ? Members.Append(m.From) : Members;

    /// <summary>As <see cref="ConversationResponse.WithoutDeleted"/>, the member details too.</summary>
    public ConversationDetails WithoutDeleted(IReadOnlySet<string> deleted) => deleted.Count == 0 ? this : this with
    {
        Members = Members.Where(m => !deleted.Contains(m)).ToList(),
        MemberDetails = MemberDetails.Where(m => !deleted.Contains(m.Username)).ToList(),
        PeerDeleted = Type == Conversation.Direct && Members.Any(deleted.Contains) ? true : null,
        LastMessage = LastMessage is { } m && deleted.Contains(m.From) ? m with { From = PublicMessage.DeletedUser } : LastMessage,
    };
}

/// <param name="Role">Null (left out) in a direct conversation: it has no roles.</param>
public sealed record MemberDetail(string Username, string? Role, DateTimeOffset JoinedAt);

public sealed record RenameRequest(string? Title);

public sealed record AddMemberRequest(string? Username);

public sealed record SetRoleRequest(string? Role);

public sealed record ArchiveRequest(bool? UntilUnarchived);

/// <summary>A change accepted onto the message log: the Router decides it and it becomes a system message.</summary>
public sealed record ChangeAccepted(string EventId);

/// <param name="Ciphertexts">For an end-to-end encrypted message (type <c>encrypted</c>): one copy per device.</param>
/// <param name="Mentions">Usernames of members, <c>@here</c>, <c>@all</c> (issue 25).</param>
public sealed record PayloadBody(string? Type, string? Text, string? FileId, List<CiphertextBody?>? Ciphertexts = null, List<string?>? Mentions = null);

public sealed record CiphertextBody(string? DeviceId, string? Type, string? Body);

/// <param name="ReplyTo">The id of a message of the same conversation this one answers.</param>
/// <param name="ThreadRoot">A thread reply: the message_id of the thread's root (issue 25).</param>
/// <param name="AlsoSendToConversation">A thread reply shown in the main timeline too, and counted in its unread.</param>
public sealed record SendMessageRequest(
    string? MessageId, string? ConversationId, string? From, List<string?>? To, List<string?>? Channels, PayloadBody? Payload, string? ReplyTo = null,
    string? ThreadRoot = null, bool? AlsoSendToConversation = null);

public sealed record EditMessageRequest(string? Text);

public sealed record SendMessageResponse(string MessageId, string Status);

public sealed record SendBatchRequest(List<SendMessageRequest?>? Messages);

/// <summary>One item's answer in a batch: <c>accepted</c> with its id, or <c>refused</c> with the problem a single send would have had.</summary>
public sealed record BatchItemResult(string? MessageId, string Status, BatchItemProblem? Problem = null);

public sealed record BatchItemProblem(int Status, string Title, string Detail, IDictionary<string, string[]>? Errors);

public sealed record SendBatchResponse(IReadOnlyList<BatchItemResult> Items, int Accepted, int Refused);

/// <param name="NextAfterSeq">Reading forwards (<c>after_seq</c>): the next page's <c>after_seq</c>.</param>
/// <param name="NextBeforeSeq">Reading backwards (<c>before_seq</c>): the next page's <c>before_seq</c>; null at the start of what the reader may read.</param>
/// <param name="Epoch">The conversation's epoch (issue 25): when it is not the one a client holds, its history was rebuilt and the client re-reads from the start.</param>
public sealed record MessagePage(IReadOnlyList<PublicMessage> Items, long? NextAfterSeq, long? NextBeforeSeq = null, string? Epoch = null);

public sealed record RecipientStatusResponse(string Username, string Channel, string Status, DateTimeOffset UpdatedAt);

public sealed record StatusHistoryEntry(string Status, DateTimeOffset At, string? Recipient, string? Channel, string? Detail);

/// <param name="Receipts">In a group: how many recipients the message has reached how far (issue 25).</param>
public sealed record MessageStatusResponse(
    string MessageId, string ConversationId, long? SequenceNumber, string Status,
    IReadOnlyList<RecipientStatusResponse> Recipients, IReadOnlyList<StatusHistoryEntry> StatusHistory, ReceiptSummary? Receipts = null);

/// <summary>
/// Over a message's recipients (its sender not counted), each at the furthest any of their channels got: still <c>sent</c>
/// (or accepted), <c>delivered</c>, <c>read</c>, or <c>failed</c> on every channel.
/// </summary>
public sealed record ReceiptSummary(int Sent, int Delivered, int Read, int Failed)
{
    public static ReceiptSummary Of(string sender, IEnumerable<RecipientStatus> recipients)
    {
        var furthest = recipients.Where(r => r.Username != sender).GroupBy(r => r.Username).Select(channels =>
            channels.All(c => c.Status == Chat.Shared.MessageStatus.Failed)
                ? Chat.Shared.MessageStatus.Failed
                : channels.Where(c => c.Status != Chat.Shared.MessageStatus.Failed).MaxBy(c => Chat.Shared.MessageStatus.Rank(c.Status))!.Status).ToList();
        var (delivered, read, failed) = (furthest.Count(s => s == Chat.Shared.MessageStatus.Delivered), furthest.Count(s => s == Chat.Shared.MessageStatus.Read),
            furthest.Count(s => s == Chat.Shared.MessageStatus.Failed));
        return new ReceiptSummary(furthest.Count - delivered - read - failed, delivered, read, failed);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CreateConversationRequest))]
[JsonSerializable(typeof(ConversationResponse))]
[JsonSerializable(typeof(ConversationPage))]
[JsonSerializable(typeof(SendMessageRequest))]
[JsonSerializable(typeof(SendMessageResponse))]
[JsonSerializable(typeof(SendBatchRequest))]
[JsonSerializable(typeof(SendBatchResponse))]
[JsonSerializable(typeof(MessagePage))]
[JsonSerializable(typeof(MessageStatusResponse))]
[JsonSerializable(typeof(ConversationDetails))]
[JsonSerializable(typeof(RenameRequest))]
[JsonSerializable(typeof(AddMemberRequest))]
[JsonSerializable(typeof(SetRoleRequest))]
[JsonSerializable(typeof(ArchiveRequest))]
[JsonSerializable(typeof(ChangeAccepted))]
[JsonSerializable(typeof(ReadRequest))]
[JsonSerializable(typeof(ReadResponse))]
[JsonSerializable(typeof(UnreadRequest))]
[JsonSerializable(typeof(UnreadMarked))]
[JsonSerializable(typeof(ReadReceiptsSetting))]
[JsonSerializable(typeof(EpochResponse))]
[JsonSerializable(typeof(UnreadResponse))]
[JsonSerializable(typeof(EditMessageRequest))]
[JsonSerializable(typeof(SearchPage))]
[JsonSerializable(typeof(StarResponse))]
[JsonSerializable(typeof(StarredPage))]
[JsonSerializable(typeof(ThreadPage))]
[JsonSerializable(typeof(PinRequest))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
[JsonSerializable(typeof(PinList))]
[JsonSerializable(typeof(ThreadResponse))]
[JsonSerializable(typeof(FollowResponse))]
[JsonSerializable(typeof(ThreadReadRequest))]
[JsonSerializable(typeof(ThreadReadResponse))]
internal sealed partial class FrontendJsonContext : JsonSerializerContext;
