using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Shared.Http;

/// <summary>
/// Reads a JSON request body so that every failure (no body, bad JSON, a wrong type, too large)
/// becomes a problem detail naming the field, not a bare 400.
/// </summary>
public static class JsonBody
{
    public readonly record struct Result<T>(T? Value, ProblemHttpResult? Problem) where T : class;

    /// <param name="cleanedFields">Top-level fields whose control characters the endpoint removes itself (documented
    /// as such, like a file name), so they are not refused for them.</param>
    public static async Task<Result<T>> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo, IReadOnlySet<string>? cleanedFields = null) where T : class
    {
        if (!request.HasJsonContentType())
            return new(null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                "Send the body as JSON with Content-Type: application/json.", "body"));
        try
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
            var bytes = body.GetBuffer().AsMemory(0, (int)body.Length);
            if (BadText(bytes, cleanedFields ?? EmptySet) is var (field, why)) return new(null, Problems.Invalid(field, why));
            var value = JsonSerializer.Deserialize(bytes.Span, typeInfo);
            return value is null ? new(null, Problems.Invalid("body", "A JSON object is required.")) : new(value, null);
        }
        catch (JsonException e)
        {
            return new(null, Problems.Invalid(FieldOf(e.Path), Explain(e)));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new(null, Problems.Status(StatusCodes.Status413PayloadTooLarge, "Payload too large", e.Message, "body"));
        }
    }

    /// <summary>
    /// The first name or string in the body no field takes, as a field path and why: a control
    /// character (a NUL, say; every field is text a person or a platform reads, and none takes
    /// these), text that is not valid UTF-8 or UTF-16, or a name given twice in one object. Null
    /// when there is none or the body is not JSON (the deserializer then says where it breaks).
    /// </summary>
    private static readonly IReadOnlySet<string> EmptySet = new HashSet<string>();

    private static (string Field, string Why)? BadText(ReadOnlyMemory<byte> json, IReadOnlySet<string> cleanedFields)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json.Span);
        }
        catch (JsonException)
        {
            return null;
        }
        return Find(root, "", cleanedFields);

        static (string, string)? Find(JsonNode? node, string path, IReadOnlySet<string> cleaned)
        {
            var here = path.Length == 0 ? "body" : path;
            switch (node)
            {
                case JsonObject o:
                    List<KeyValuePair<string, JsonNode?>> properties;
                    try
                    {
                        properties = [.. o];
                    }
                    catch (ArgumentException)
                    {
                        return (here, "Must not name a field twice.");
                    }
                    foreach (var (name, value) in properties)
                    {
                        var field = path.Length == 0 ? name : $"{path}.{name}";
                        if (HasControl(name)) return (field, ControlCharacters);
                        if (Find(value, field, cleaned) is { } bad) return bad;
                    }
                    return null;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++)
                        if (Find(a[i], $"{here}[{i}]", cleaned) is { } bad) return bad;
                    return null;
                case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                    try
                    {
                        return HasControl(v.GetValue<string>()) && !cleaned.Contains(path) ? (here, ControlCharacters) : null;
                    }
                    catch (InvalidOperationException)
                    {
                        return (here, "Is not valid UTF-8 (or holds a lone UTF-16 surrogate).");
                    }
                default:
                    return null;
            }
        }
        static bool HasControl(string text) => text.Any(c => char.IsControl(c) && c is not ('\t' or '\n' or '\r'));
    }

    private const string ControlCharacters = "Must not contain control characters (U+0000–U+001F, U+007F–U+009F) other than tab and line breaks.";

    /// <summary>"$.payload.text" → "payload.text"; "$.to[2]" → "to[2]"; "$" → "body".</summary>
    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    /// <summary>"…could not be converted to System.Collections.Generic.List`1[System.String]. Path: …" → "Must be a JSON array."</summary>
    private static string Explain(JsonException e)
    {
        const string marker = "could not be converted to ";
        var at = e.Message.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return "Is not valid JSON: " + e.Message.Split(" Path:")[0];
        var type = e.Message[(at + marker.Length)..].Split(". Path:")[0];
        return type switch
        {
            _ when type.Contains("List`1") || type.EndsWith("[]", StringComparison.Ordinal) => "Must be a JSON array.",
            "System.String" => "Must be a JSON string.",
            "System.Int32" or "System.Int64" or "System.Double" or "System.Decimal" => "Must be a JSON number.",
            "System.Boolean" => "Must be true or false.",
            _ => "Must be a JSON object.",
        };
    }
}
