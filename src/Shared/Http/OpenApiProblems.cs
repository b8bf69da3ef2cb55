using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Chat.Shared.Http;

/// <summary>
/// The error answers an endpoint can give, for the OpenAPI document: a <c>Results&lt;…, ProblemHttpResult&gt;</c>
/// tells it no status codes, so each endpoint names its own, and every authenticated one gets its 401.
/// </summary>
public static class OpenApiProblems
{
    private const string ContentType = "application/problem+json";

    /// <summary>Problem details (RFC 9457) with these statuses; a 400 carries <c>errors</c> {field: [messages]}.</summary>
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder endpoint, params int[] statusCodes) where TBuilder : IEndpointConventionBuilder =>
        endpoint.WithMetadata(statusCodes.Select(status => (object)new ProducesResponseTypeMetadata(status,
            status == StatusCodes.Status400BadRequest ? typeof(HttpValidationProblemDetails) : typeof(ProblemDetails), [ContentType])).ToArray());

    /// <summary>
    /// Lists 401 on every operation that does not allow anonymous callers: the fallback policy
    /// refuses them before the endpoint runs (ChatAuthentication's challenge), so no endpoint says so itself.
    /// </summary>
    public static OpenApiOptions AddUnauthorizedAnswers(this OpenApiOptions options) => options.AddOperationTransformer(async (operation, context, ct) =>
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any()) return;
        operation.Responses ??= [];
        if (operation.Responses.ContainsKey("401")) return;
        operation.Responses["401"] = new OpenApiResponse
        {
            Description = "Unauthorized",
            Content = new Dictionary<string, OpenApiMediaType> { [ContentType] = new() { Schema = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, ct) } },
        };
    });
}
