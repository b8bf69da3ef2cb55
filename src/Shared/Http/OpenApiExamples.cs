using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Chat.Shared.Http;

/// <summary>The JSON body an endpoint reads, with an example, for the OpenAPI document.</summary>
public sealed record JsonBodyDescription(Type BodyType, string[] ContentTypes, string Example);

public static class OpenApiExamples
{
    /// <summary>
    /// Describes the JSON body an endpoint reads (endpoints read bodies through <see cref="JsonBody"/>,
    /// which the OpenAPI generator cannot see) with an example a reader can paste. Only the document
    /// learns of it: routing does not, so a wrong content type still reaches the endpoint and gets its
    /// problem detail naming the field. It also lists what <see cref="JsonBody"/> answers a body it
    /// cannot read with: 400, 413 and 415.
    /// </summary>
    public static RouteHandlerBuilder DescribeBody<T>(this RouteHandlerBuilder endpoint, string example, params string[] contentTypes) =>
        endpoint.WithMetadata(new JsonBodyDescription(typeof(T), contentTypes.Length > 0 ? contentTypes : ["application/json"], example))
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);

    /// <summary>Writes each endpoint's <see cref="JsonBodyDescription"/> into its operation's request body.</summary>
    public static OpenApiOptions AddBodyExamples(this OpenApiOptions options) => options.AddOperationTransformer(async (operation, context, ct) =>
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<JsonBodyDescription>().FirstOrDefault() is not { } body) return;
        var schema = await context.GetOrCreateSchemaAsync(body.BodyType, null, ct);
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = body.ContentTypes.ToDictionary(t => t, _ => new OpenApiMediaType { Schema = schema, Example = JsonNode.Parse(body.Example) }),
        };
    });
}
