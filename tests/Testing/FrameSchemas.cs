using System.Text.Json;
using Json.Schema;

namespace Chat.Testing;

/// <summary>
/// The JSON Schemas of the WebSocket frames in docs/frames (docs/api.md, "WebSocket frames"):
/// <c>server/&lt;type&gt;.json</c> and <c>client/&lt;type&gt;.json</c>, sharing <c>message.json</c>.
/// </summary>
public static class FrameSchemas
{
    public static string Directory { get; } = Path.Combine(RepositoryRoot.Path, "docs", "frames");

    private static readonly Lazy<IReadOnlyDictionary<string, JsonSchema>> Server = new(() => Load("server"));
    private static readonly Lazy<IReadOnlyDictionary<string, JsonSchema>> Client = new(() => Load("client"));

    /// <summary>The frame types with a schema, by direction.</summary>
    public static IReadOnlyCollection<string> ServerTypes => Server.Value.Keys.ToList();

    public static IReadOnlyCollection<string> ClientTypes => Client.Value.Keys.ToList();

    /// <summary>Why a frame the server sent breaks its schema; null when it matches.</summary>
    public static string? CheckServerFrame(JsonElement frame) => Check(frame, Server.Value, "server");

    /// <summary>Why a client frame breaks its schema; null when it matches.</summary>
    public static string? CheckClientFrame(JsonElement frame) => Check(frame, Client.Value, "client");

    private static string? Check(JsonElement frame, IReadOnlyDictionary<string, JsonSchema> schemas, string direction)
    {
        var type = frame.ValueKind == JsonValueKind.Object && frame.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : null;
        if (type is null) return $"a frame without a string \"type\": {frame.GetRawText()}";
        if (!schemas.TryGetValue(type, out var schema))
            return $"no schema docs/frames/{direction}/{type}.json for frame type '{type}' (document it in docs/api.md): {frame.GetRawText()}";
        var result = schema.Evaluate(frame, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return null;
        // An "if" that does not match is no error: only its "then" counts.
        var errors = new[] { result }.Concat(result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 } && !d.EvaluationPath.ToString().Split('/').Contains("if"))
            .SelectMany(d => d.Errors!.Select(e => $"at '{d.InstanceLocation}' ({d.EvaluationPath}): {e.Value}"));
        return $"a '{type}' frame breaks docs/frames/{direction}/{type}.json: {string.Join("; ", errors)} — frame: {frame.GetRawText()}";
    }

    /// <summary>Each file's base URI is its location, so "../message.json" resolves beside it.</summary>
    private static Dictionary<string, JsonSchema> Load(string direction)
    {
        var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
        var shared = Path.Combine(Directory, "message.json");
        JsonSchema.FromFile(shared, options, new Uri(shared));
        return System.IO.Directory.GetFiles(Path.Combine(Directory, direction), "*.json").ToDictionary(
            file => Path.GetFileNameWithoutExtension(file),
            file => JsonSchema.FromFile(file, options, new Uri(file)));
    }
}
