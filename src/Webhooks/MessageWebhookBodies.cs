using System.Text.Json.Nodes;
using Chat.Shared.Events;

namespace Chat.Webhooks;

/// <summary>The bodies of <c>message.updated</c>, <c>message.deleted</c> and <c>reaction.updated</c> (docs/api.md, "Webhooks").</summary>
internal static class MessageWebhookBodies
{
    public const string MessageUpdated = "message.updated";
    public const string MessageDeleted = "message.deleted";
    public const string ReactionUpdated = "reaction.updated";

    public static readonly IReadOnlyList<string> All = [MessageUpdated, MessageDeleted, ReactionUpdated];

    /// <summary>Which webhook event a message change is: an edit, a delete, or a reaction added or removed.</summary>
    public static string TypeOf(string kind) => kind switch
    {
        "message.edited" => MessageUpdated,
        "message.deleted" => MessageDeleted,
        "message.pinned" or "message.unpinned" => MessageUpdated, // issue 25: "event" names which
        _ => ReactionUpdated,
    };

    /// <summary><c>{"type","timestamp","data":{"event_id","conversation_id","message_id","status","event","actor",…}}</c>.</summary>
    public static string Body(string type, MessageChanged e)
    {
        var data = new JsonObject
        {
            ["event_id"] = e.EventId, ["conversation_id"] = e.ConversationId, ["message_id"] = e.MessageId, ["status"] = e.Status, ["event"] = e.Kind, ["actor"] = e.Actor,
        };
        if (e.From.Length > 0) data["from"] = e.From;
        if (e.SequenceNumber > 0) data["sequence_number"] = e.SequenceNumber;
        if (e.Version > 0) data["version"] = e.Version;
        if (type == MessageUpdated && e.Status == "applied") data["text"] = e.Text;
        if (e.Emoji.Length > 0) data["emoji"] = e.Emoji;
        if (type == ReactionUpdated && e.Status == "applied")
            data["reactions"] = new JsonArray(e.Reactions.Select(r => (JsonNode)new JsonObject { ["emoji"] = r.Emoji, ["count"] = r.Count }).ToArray());
        if (e.Detail.Length > 0) data["detail"] = e.Detail;
        var timestamp = e.At?.ToDateTimeOffset() ?? DateTimeOffset.UtcNow;
        return new JsonObject { ["type"] = type, ["timestamp"] = timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"), ["data"] = data }.ToJsonString();
    }
}
