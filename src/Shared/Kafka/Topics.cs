namespace Chat.Shared.Kafka;

public static class Topics
{
    /// <summary>ConversationEvent (one envelope for whatever happens in a conversation; see <see cref="ConversationEvents"/>), key = conversation_id.</summary>
    public const string Messages = "chat.messages";

    /// <summary>StatusEvent, key = conversation_id.</summary>
    public const string Status = "chat.status";

    /// <summary>StatusEvent receipts (delivered, read) from clients and platforms, for the Router to persist; key = conversation_id.</summary>
    public const string Receipts = "chat.receipts";

    /// <summary>ConnectorDelivery: messages for external platforms, key = conversation_id.</summary>
    public const string Deliveries = "chat.deliveries";

    /// <summary>DeadLetter: records a consumer could not process, with the reason.</summary>
    public const string DeadLetters = "chat.dlq";

    /// <summary>FileEvent: uploads that completed, key = file_id.</summary>
    public const string Files = "chat.files";
    public const string Presence = "chat.presence";

    /// <summary>ConversationUpdated: what became of each membership, role or title change (the Router's decision), and MessageChanged for edits, deletes and reactions; key = conversation_id.</summary>
    public const string Conversations = "chat.conversations";

    /// <summary>NotificationRequest: a stored message for a recipient with no live socket, for the notifications worker; key = recipient.</summary>
    public const string Notifications = "chat.notifications";

    /// <summary>AccountDeleted: an account deleted, for every service to drop what it keeps of the user; key = username.</summary>
    public const string Accounts = "chat.accounts";

    public static readonly IReadOnlyList<string> All = [Messages, Status, Receipts, Deliveries, DeadLetters, Files, Presence, Conversations, Notifications, Accounts];
}

/// <summary>CloudEvents <c>type</c> values carried in the <c>ce_type</c> header.</summary>
public static class EventTypes
{
    /// <summary>chat.messages: a ConversationEvent holding a message.</summary>
    public const string Message = "chat.message.v1";

    /// <summary>chat.messages: a ConversationEvent holding a membership, role or title change.</summary>
    public const string ConversationChange = "chat.conversation.change.v1";

    /// <summary>chat.messages: a ConversationEvent holding an edit, delete or reaction of a stored message.</summary>
    public const string MessageChange = "chat.message.change.v1";

    /// <summary>chat.messages: a ConversationEvent holding a call that ended, to be stored as its system message (issue 21).</summary>
    public const string CallEnded = "chat.call.ended.v1";

    /// <summary>chat.conversations: a MessageChanged (what the Router decided for a MessageChange).</summary>
    public const string MessageChanged = "chat.message.changed.v1";

    /// <summary>chat.conversations: a ConversationUpdated.</summary>
    public const string ConversationUpdated = "chat.conversation.updated.v1";

    /// <summary>chat.messages before the envelope: a bare MessageEvent. Still read (a log may hold such records), never written.</summary>
    public const string LegacyMessageAccepted = "chat.message.accepted.v1";

    public const string MessageStatus = "chat.message.status.v1";
    public const string DeadLetter = "chat.dead_letter.v1";
    public const string Receipt = "chat.message.receipt.v1";
    public const string Delivery = "chat.connector.delivery.v1";
    public const string Presence = "chat.presence.v1";
    public const string FileCompleted = "chat.file.completed.v1";
    public const string NotificationRequest = "chat.notification.request.v1";

    /// <summary>chat.accounts: an AccountDeleted.</summary>
    public const string AccountDeleted = "chat.account.deleted.v1";
}
