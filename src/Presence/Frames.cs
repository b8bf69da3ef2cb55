using System.Text.Json;
using System.Text.Json.Serialization;
using Chat.Storage;

namespace Chat.Presence;

/// <summary>Server → client WebSocket frames (docs/api.md, "WebSocket frames"), as UTF-8 JSON ready to send.</summary>
public static class Frames
{
    public static byte[] MessageNew(StoredMessage m) => Serialize(new MessageNewFrame(FrameTypes.MessageNew, PublicMessage.Of(m)));

    /// <summary>From the store, for one reader: the message as it is now, with the reactions' <c>me</c> as they see it.</summary>
    public static byte[] MessageNew(PublicMessage shown) => Serialize(new MessageNewFrame(FrameTypes.MessageNew, shown));

    /// <summary>An edit (<c>message.updated</c>) or a delete (<c>message.deleted</c>, the message a tombstone), for one reader.</summary>
    public static byte[] MessageChanged(PublicMessage shown) =>
        Serialize(new MessageNewFrame(shown.DeletedAt is null ? FrameTypes.MessageUpdated : FrameTypes.MessageDeleted, shown));

    /// <summary>A reaction added or removed by <paramref name="username"/>, with the message's reactions after it as <paramref name="reader"/> sees them.</summary>
    public static byte[] MessageReaction(StoredMessage m, string username, string emoji, bool added, string reader) =>
        Serialize(new MessageReactionFrame(FrameTypes.MessageReaction, m.MessageId, m.ConversationId, username, emoji, added ? "added" : "removed",
            PublicReaction.Of(m.Reactions, reader)));

    public static byte[] MessageStatus(string messageId, string conversationId, string recipient, string channel, string status, string? detail = null) =>
        Serialize(new MessageStatusFrame(FrameTypes.MessageStatus, messageId, conversationId, recipient, channel, status, detail));

    public static byte[] PresenceUpdate(string username, string status, DateTimeOffset? lastSeen) =>
        Serialize(new PresenceUpdateFrame(FrameTypes.PresenceUpdate, username, status, lastSeen));

    public static byte[] Typing(string conversationId, string username, string state) =>
        Serialize(new TypingFrame(FrameTypes.Typing, conversationId, username, state));

    public static byte[] ConversationRead(string conversationId, long lastReadSeq, long unreadCount) =>
        Serialize(new ConversationReadFrame(FrameTypes.ConversationRead, conversationId, lastReadSeq, unreadCount));

    public static byte[] ThreadRead(string conversationId, string threadRoot, long lastReadSeq, long unreadCount) =>
        Serialize(new ThreadReadFrame(FrameTypes.ThreadRead, conversationId, threadRoot, lastReadSeq, unreadCount));

    public static byte[] Error(string code, string detail) => Serialize(new ErrorFrame(FrameTypes.Error, code, detail));

    /// <summary>The Router refused a change the Frontend had accepted (202): the state at its position in the partition no longer allowed it.</summary>
    public static byte[] ChangeRefused(string eventId, string conversationId, string detail) =>
        Serialize(new ErrorFrame(FrameTypes.Error, "refused", detail, eventId, conversationId));

    /// <param name="epoch">The conversation's epoch (issue 25); with <paramref name="resync"/>, the client's was another: it re-syncs from scratch.</param>
    public static byte[] SyncDone(string? conversationId, long? nextAfterSeq, int count, string? epoch = null, bool resync = false) =>
        Serialize(new SyncDoneFrame(FrameTypes.SyncDone, conversationId, nextAfterSeq, count, epoch, resync ? true : null));

    /// <summary>A device of yours has fewer one-time prekeys left than <c>Keys:LowWatermark</c>: upload more.</summary>
    public static byte[] KeysLow(string deviceId, int remaining) => Serialize(new KeysLowFrame(FrameTypes.KeysLow, deviceId, remaining));

    /// <summary>The media worker finished with a file: its thumbnail is ready (with a URL like the download's) or could not be made.</summary>
    public static byte[] FileUpdated(FileUpdatedFrame frame) => Serialize(frame with { Type = FrameTypes.FileUpdated });

    public static readonly byte[] Pong = Serialize(new PongFrame(FrameTypes.Pong));

    private static byte[] Serialize<T>(T frame) => JsonSerializer.SerializeToUtf8Bytes(frame, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)FrameJsonContext.Default.GetTypeInfo(typeof(T))!);
}

public sealed record MessageNewFrame(string Type, PublicMessage Message);
public sealed record MessageReactionFrame(string Type, string MessageId, string ConversationId, string Username, string Emoji, string Action,
    IReadOnlyList<PublicReaction> Reactions);
public sealed record MessageStatusFrame(string Type, string MessageId, string ConversationId, string Recipient, string Channel, string Status, string? Detail);
public sealed record PresenceUpdateFrame(string Type, string Username, string Status, DateTimeOffset? LastSeen);
public sealed record TypingFrame(string Type, string ConversationId, string Username, string State);
public sealed record ConversationReadFrame(string Type, string ConversationId, long LastReadSeq, long UnreadCount);
public sealed record ThreadReadFrame(string Type, string ConversationId, string ThreadRoot, long LastReadSeq, long UnreadCount);
public sealed record ErrorFrame(string Type, string Code, string Detail, string? EventId = null, string? ConversationId = null);
public sealed record SyncDoneFrame(string Type, string? ConversationId, long? NextAfterSeq, int Count, string? Epoch = null, bool? Resync = null);
public sealed record PongFrame(string Type);
public sealed record KeysLowFrame(string Type, string DeviceId, int Remaining);
public sealed record FileUpdatedFrame(string Type, string FileId, string Thumbnail, Uri? ThumbnailUrl = null, DateTimeOffset? ThumbnailExpiresAt = null,
    int? Width = null, int? Height = null, int? ThumbnailWidth = null, int? ThumbnailHeight = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MessageNewFrame))]
[JsonSerializable(typeof(MessageStatusFrame))]
[JsonSerializable(typeof(MessageReactionFrame))]
[JsonSerializable(typeof(PresenceUpdateFrame))]
[JsonSerializable(typeof(TypingFrame))]
[JsonSerializable(typeof(ConversationReadFrame))]
[JsonSerializable(typeof(ThreadReadFrame))]
[JsonSerializable(typeof(ErrorFrame))]
[JsonSerializable(typeof(SyncDoneFrame))]
[JsonSerializable(typeof(PongFrame))]
[JsonSerializable(typeof(KeysLowFrame))]
[JsonSerializable(typeof(FileUpdatedFrame))]
internal sealed partial class FrameJsonContext : JsonSerializerContext;
