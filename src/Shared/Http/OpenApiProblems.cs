using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Chat.Shared.Http;

/// <summary>
/// The error answers an endpoint can give, for the OpenAPI document: a <c>Results&lt;…, ProblemHttpResult&gt;</c>
/// tells it no status codes, so each endpoint names its own (and every group that needs a token, 401).
/// </summary>
public static class OpenApiProblems
{
    private const string ContentType = "application/problem+json";

    /// <summary>Problem details (RFC 9457) with these statuses; a 400 carries <c>errors</c> {field: [messages]}.</summary>
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder endpoint, params int[] statusCodes) where TBuilder : IEndpointConventionBuilder =>
        endpoint.WithMetadata(statusCodes.Select(status => (object)new ProducesResponseTypeMetadata(status,
            status == StatusCodes.Status400BadRequest ? typeof(HttpValidationProblemDetails) : typeof(ProblemDetails), [ContentType])).ToArray());
}
