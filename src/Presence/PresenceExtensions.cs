using System.Text.Json.Serialization;
using Chat.Presence.Memory;
using Chat.Shared.Http;
using Chat.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Presence;

public static class PresenceExtensions
{
    public static IHostApplicationBuilder AddPresence(this IHostApplicationBuilder builder)
    {
        var kind = builder.Configuration["Presence:Kind"] ?? "memory";
        if (kind != "memory") throw new InvalidOperationException($"Presence:Kind '{kind}' is not supported by this build; use 'memory'.");
        builder.Services.AddSingleton<IPresence, InMemoryPresence>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, PresenceJsonContext.Default));
        return builder;
    }

    public static IEndpointRouteBuilder MapPresenceApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/presence/{username}", Get).WithTags("Presence");
        return app;
    }

    private static async Task<Results<Ok<PresenceResponse>, ProblemHttpResult>> Get(string username, IPresence presence, IMetadataStore metadata, CancellationToken ct)
    {
        var name = username.ToLowerInvariant();
        if (await metadata.FindUserAsync(name, ct) is null) return Problems.NotFound($"No user '{username}'.", "username");
        var state = await presence.GetAsync(name, ct);
        return TypedResults.Ok(new PresenceResponse(state.Username, state.Online ? "online" : "offline", state.LastSeen));
    }
}

public sealed record PresenceResponse(string Username, string Status, DateTimeOffset? LastSeen);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PresenceResponse))]
internal sealed partial class PresenceJsonContext : JsonSerializerContext;
