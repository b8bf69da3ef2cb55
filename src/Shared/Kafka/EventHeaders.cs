using System.Diagnostics;
using System.Text;
using Confluent.Kafka;

namespace Chat.Shared.Kafka;

/// <summary>
/// CloudEvents Kafka binding (binary mode, <c>ce_*</c> headers) plus W3C <c>traceparent</c>,
/// so every hop can tell what a record is and continue its trace.
/// </summary>
public static class EventHeaders
{
    public const string Type = "ce_type";
    public const string Id = "ce_id";
    public const string TraceParent = "traceparent";

    public static Headers Create(string type, string id, string source)
    {
        var headers = new Headers
        {
            { "ce_specversion", "1.0"u8.ToArray() },
            { Type, Encoding.UTF8.GetBytes(type) },
            { Id, Encoding.UTF8.GetBytes(id) },
            { "ce_source", Encoding.UTF8.GetBytes(source) },
            { "ce_time", Encoding.UTF8.GetBytes(DateTimeOffset.UtcNow.ToString("O")) },
            { "content-type", "application/protobuf"u8.ToArray() },
        };
        if (Activity.Current is { } activity)
            headers.Add(TraceParent, Encoding.UTF8.GetBytes(activity.Id!));
        return headers;
    }

    public static string? Get(Headers? headers, string name) =>
        headers is not null && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
}
