using System.Text.Json;
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

    public static async Task<Result<T>> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> typeInfo) where T : class
    {
        if (!request.HasJsonContentType())
            return new(null, Problems.Status(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                "Send the body as JSON with Content-Type: application/json.", "body"));
        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, typeInfo, request.HttpContext.RequestAborted);
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

    /// <summary>"$.payload.text" → "payload.text"; "$.to[2]" → "to[2]"; "$" → "body".</summary>
    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    private static string Explain(JsonException e) => e.Message.Contains("could not be converted", StringComparison.Ordinal)
        ? "Has the wrong JSON type for this field."
        : "Is not valid JSON: " + e.Message.Split(" Path:")[0];
}
