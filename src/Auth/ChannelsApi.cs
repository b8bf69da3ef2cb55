using Chat.Shared;
using Chat.Shared.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Auth;

/// <summary>
/// Who a user is on each external platform (API.md, "Channels and connectors"). A user manages
/// their own; an admin, or a client with <c>channels:write</c> that may act for the user, anyone's.
/// </summary>
public static class ChannelsApi
{
    public static IEndpointRouteBuilder MapChannelsApi(this IEndpointRouteBuilder app)
    {
        var channels = app.MapGroup("/v1/users/{username}/channels").WithTags("Channels");
        channels.MapGet("/", List);
        channels.MapPut("/{channel}", Put).DescribeBody<ChannelMappingRequest>("""{"external_id":"123456789"}""");
        channels.MapDelete("/{channel}", Delete);
        return app;
    }

    private static ProblemHttpResult? Check(HttpContext http, string username, string? channel)
    {
        var caller = http.User.Caller();
        if (!caller.IsAdmin && !(caller.MayActAs(username) && caller.Has(Scopes.ChannelsWrite)))
            return Problems.Forbidden($"You may not manage the channels of '{username}'.", "username");
        if (channel is not null && (!Channels.Supported.Contains(channel) || channel == Channels.App))
            return Problems.Invalid("channel", $"Must be one of: {string.Join(", ", Channels.Supported.Where(c => c != Channels.App))} (the app channel needs no mapping).");
        return null;
    }

    private static async Task<Results<Ok<ChannelMappingList>, ProblemHttpResult>> List(string username, HttpContext http, IChannelMappingStore metadata, CancellationToken ct)
    {
        if (Check(http, username, null) is { } problem) return problem;
        var mappings = await metadata.ChannelMappingsAsync(username.ToLowerInvariant(), ct);
        return TypedResults.Ok(new ChannelMappingList(mappings.Select(Response).ToList()));
    }

    private static async Task<Results<Ok<ChannelMappingResponse>, ProblemHttpResult>> Put(
        string username, string channel, HttpContext http, IChannelMappingStore metadata, IUserDirectory users, TimeProvider clock, CancellationToken ct)
    {
        if (Check(http, username, channel) is { } problem) return problem;
        var (body, bodyProblem) = await JsonBody.ReadAsync(http.Request, AuthJsonContext.Default.ChannelMappingRequest);
        if (bodyProblem is not null) return bodyProblem;
        if (string.IsNullOrWhiteSpace(body!.ExternalId) || body.ExternalId.Length > 256)
            return Problems.Invalid("external_id", "Is required: the user's id on that platform, at most 256 characters.");
        var name = username.ToLowerInvariant();
        if ((await users.ExistingUsersAsync([name], ct)).Count == 0) return Problems.NotFound($"No user '{username}'.", "username");
        var mapping = new ChannelMapping(name, channel, body.ExternalId.Trim(), clock.GetUtcNow());
        await metadata.SetChannelMappingAsync(mapping, ct);
        return TypedResults.Ok(Response(mapping));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string username, string channel, HttpContext http, IChannelMappingStore metadata, CancellationToken ct)
    {
        if (Check(http, username, channel) is { } problem) return problem;
        return await metadata.DeleteChannelMappingAsync(username.ToLowerInvariant(), channel, ct)
            ? TypedResults.NoContent()
            : Problems.NotFound($"'{username}' has no {channel} mapping.", "channel");
    }

    private static ChannelMappingResponse Response(ChannelMapping m) => new(m.Username, m.Channel, m.ExternalId, m.UpdatedAt);
}
