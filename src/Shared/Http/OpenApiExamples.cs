using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Chat.Shared.Http;

/// <summary>An example request body, as an endpoint's metadata, for the OpenAPI document.</summary>
public sealed record JsonBodyExample(string Json);

public static class OpenApiExamples
{
    /// <summary>
    /// Declares the JSON body an endpoint reads (endpoints read bodies through <see cref="JsonBody"/>,
    /// which the OpenAPI generator cannot see) with an example a reader can paste.
    /// </summary>
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder endpoint, string example) where T : notnull =>
        endpoint.Accepts<T>("application/json").WithMetadata(new JsonBodyExample(example));

    /// <summary>Puts each endpoint's <see cref="JsonBodyExample"/> into its request body's example.</summary>
    public static OpenApiOptions AddBodyExamples(this OpenApiOptions options) => options.AddOperationTransformer((operation, context, _) =>
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<JsonBodyExample>().FirstOrDefault() is { } example
            && operation.RequestBody?.Content is { } content && content.TryGetValue("application/json", out var media))
            media.Example = JsonNode.Parse(example.Json);
        return Task.CompletedTask;
    });
}
