namespace Chat.Presence;

/// <summary>
/// Every WebSocket frame type, named once (docs/api.md, "WebSocket frames"; a JSON Schema for each
/// in docs/frames/). The docs test holds these lists equal to what docs/api.md documents.
/// </summary>
public static class FrameTypes
{
    public const string MessageNew = "message.new";
    public const string MessageStatus = "message.status";
    public const string MessageUpdated = "message.updated";
    public const string MessageDeleted = "message.deleted";
    public const string MessageReaction = "message.reaction";
    public const string PresenceUpdate = "presence.update";
    public const string Typing = "typing";
    public const string SyncDone = "sync.done";
    public const string ConversationRead = "conversation.read";
    public const string ThreadRead = "thread.read";
    public const string Pong = "pong";
    public const string Error = "error";
    public const string KeysLow = "keys.low";
    public const string CallIncoming = "call.incoming";
    public const string CallAnswered = "call.answered";
    public const string CallRejected = "call.rejected";
    public const string CallEnded = "call.ended";
    public const string CallSignal = "call.signal";
    public const string FileUpdated = "file.updated";

    public const string Ack = "ack";
    public const string Read = "read";
    public const string Sync = "sync";
    public const string Ping = "ping";

    /// <summary>What the gateway sends.</summary>
    public static readonly IReadOnlyList<string> ServerToClient = [MessageNew, MessageStatus, MessageUpdated, MessageDeleted, MessageReaction, PresenceUpdate, Typing, SyncDone, ConversationRead, ThreadRead, Pong, Error, KeysLow, CallIncoming, CallAnswered, CallRejected, CallEnded, CallSignal, FileUpdated];

    /// <summary>What the gateway reads; any other type is answered with an <c>unknown_type</c> error.</summary>
    public static readonly IReadOnlyList<string> ClientToServer = [Ack, Read, Typing, Sync, Ping, CallSignal];
}
