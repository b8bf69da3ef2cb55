using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Chat.Shared.Http;

/// <summary>
/// The OpenAPI document's title, introduction and bearer scheme, and the interactive reference at
/// <c>/api-docs</c> (Scalar) with its hosted extras off — no AI agent, MCP, telemetry, developer
/// toolbar (its "Generate SDK" and "Deploy" call Scalar's cloud) or CDN fonts: the page calls nothing
/// outside the deployment, only this service.
/// </summary>
public static class ApiReference
{
    public const string Title = "Chat API";

    private const string Introduction = """
        Chat's public API: send messages (`202` once they are on the message log), follow their status
        per recipient and channel, read history, manage conversations, share files through presigned
        URLs, and get status events by signed webhooks. Real-time delivery is the WebSocket at `/v1/ws`.

        **Try a call:** get a token from `POST /v1/auth/token` (`grant_type=password`, or
        `client_credentials` for an integrator), then set it as the Bearer token under Authentication.

        Errors are RFC 9457 problem details with `errors: {field: [messages]}`. The complete contract,
        frames and webhook signatures included, is `docs/api.md`; a getting-started guide with examples
        in curl, C#, Python and JavaScript is `docs/api-guide.md`.
        """;

    private const string Scheme = "Bearer";

    public static OpenApiOptions AddChatDocumentInfo(this OpenApiOptions options) => options
        .AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo { Title = Title, Version = "v1", Description = Introduction };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[Scheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http, Scheme = "bearer", BearerFormat = "JWT",
                Description = "An access token from POST /v1/auth/token.",
            };
            return Task.CompletedTask;
        })
        // Every operation but the anonymous ones (register, token, the JWKS, the platforms' webhooks) takes the bearer token.
        .AddOperationTransformer((operation, context, _) =>
        {
            if (!context.Description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Scheme, context.Document, null)] = [] }];
            return Task.CompletedTask;
        });

    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapScalarApiReference("/api-docs", o => o
            .WithOpenApiRoutePattern("/openapi/v1.json")
            .WithTitle(Title)
            .AddPreferredSecuritySchemes(Scheme)
            .DisableAgent()
            .DisableMcp()
            .DisableTelemetry()
            .HideDeveloperTools()
            .DisableDefaultFonts()).AllowAnonymous();
        return app;
    }
}
