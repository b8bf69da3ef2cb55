using System.Security.Claims;
using System.Text.Json.Serialization;
using Chat.Notifications.Storage;
using Chat.Shared;
using Chat.Shared.Http;
using Chat.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Notifications;

/// <summary>A user's notification level per conversation (issue 25; docs/api.md, "Notifications").</summary>
public static class NotificationLevels
{
    public const string All = "all";
    public const string Mentions = "mentions";
    public const string None = "none";

    public static readonly IReadOnlyList<string> Known = [All, Mentions, None];

    /// <summary>Whether a message lets a push through at <paramref name="level"/>: any at "all", one that calls them at "mentions", none at "none".</summary>
    public static bool Lets(string level, bool mentioned) => level switch
    {
        None => false,
        Mentions => mentioned,
        _ => true,
    };

    internal static IEndpointRouteBuilder MapNotificationLevels(this IEndpointRouteBuilder app)
    {
        app.MapPut("/v1/conversations/{conversationId}/notifications", SetLevel).WithTags("Notifications")
            .DescribeBody<LevelRequest>("""{"level":"mentions"}""")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<LevelResponse>, ProblemHttpResult>> SetLevel(string conversationId, HttpContext http, LevelHandler handler, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, LevelsJsonContext.Default.LevelRequest);
        if (problem is not null) return problem;
        if (body!.Level is not { } level || !Known.Contains(level)) return Problems.Invalid("level", "Is required: \"all\", \"mentions\" or \"none\".");
        return (await handler.SetAsync(http.User, conversationId, level, ct)).ToResult(http.Response, l => TypedResults.Ok(new LevelResponse(conversationId, l)));
    }
}

public sealed record LevelRequest(string? Level);

public sealed record LevelResponse(string ConversationId, string Level);

/// <summary>Only in one's own conversations, as mutes.</summary>
internal sealed class LevelHandler(INotificationStore store, IMessageStore conversations)
{
    public async Task<Outcome<string>> SetAsync(ClaimsPrincipal user, string conversationId, string level, CancellationToken ct)
    {
        if (DevicesHandler.UserSession(user) is not ({ } username, _)) return DevicesHandler.NoSession;
        if (await conversations.FindConversationAsync(conversationId, ct) is not { } conversation || !conversation.HasMember(username))
            return new Refusal.NotFound("conversation_id", $"No conversation '{conversationId}' of yours.");
        await store.SetLevelAsync(username, conversationId, level, ct);
        return level;
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LevelRequest))]
[JsonSerializable(typeof(LevelResponse))]
internal sealed partial class LevelsJsonContext : JsonSerializerContext;
