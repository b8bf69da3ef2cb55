using Chat.Shared;
using Chat.Shared.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Auth;

/// <summary>A user's blocks (docs/api.md, "Blocks"): their own data, which the blocked user never sees.</summary>
internal static class BlocksApi
{
    public static IEndpointRouteBuilder MapBlocksApi(this IEndpointRouteBuilder app)
    {
        var blocks = app.MapGroup("/v1/blocks").WithTags("Blocks").RequireAuthorization()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        blocks.MapGet("/", List);
        blocks.MapPut("/{username}", Put).ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        blocks.MapDelete("/{username}", Delete).ProducesProblems(StatusCodes.Status404NotFound);
        return app;
    }

    private static async Task<Results<Ok<BlockList>, ProblemHttpResult>> List(HttpContext http, BlocksHandler handler, CancellationToken ct) =>
        (await handler.ListAsync(http.User.Caller(), ct)).ToResult(http.Response, blocks => TypedResults.Ok(new BlockList(blocks.Select(Response).ToList())));

    /// <summary>200 with the block, also when it existed already.</summary>
    private static async Task<Results<Ok<BlockResponse>, ProblemHttpResult>> Put(string username, HttpContext http, BlocksHandler handler, CancellationToken ct) =>
        (await handler.BlockAsync(http.User.Caller(), username, ct)).ToResult(http.Response, block => TypedResults.Ok(Response(block)));

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string username, HttpContext http, BlocksHandler handler, CancellationToken ct) =>
        (await handler.UnblockAsync(http.User.Caller(), username, ct)).ToResult(http.Response, _ => TypedResults.NoContent());

    private static BlockResponse Response(Block block) => new(block.Blocked, block.BlockedAt);
}

/// <summary>Blocking, unblocking and listing, for users only (a client acts on messages, not on whom a person shuts out).</summary>
internal sealed class BlocksHandler(IBlockList blocks, IUserDirectory users, TimeProvider clock)
{
    private static readonly Refusal.Forbidden NotAUser = new("Authorization", "Blocks are a user's own: call with a user's token.");

    public async Task<Outcome<IReadOnlyList<Block>>> ListAsync(Caller caller, CancellationToken ct) =>
        caller.Username is { } me ? Outcome.Done(await blocks.ListAsync(me, ct)) : NotAUser;

    public async Task<Outcome<Block>> BlockAsync(Caller caller, string username, CancellationToken ct)
    {
        if (caller.Username is not { } me) return NotAUser;
        var name = username.Trim().ToLowerInvariant();
        if (name == me) return new Refusal.Invalid("username", "You cannot block yourself.");
        if ((await users.ExistingUsersAsync([name], ct)).Count == 0) return new Refusal.NotFound("username", $"No user '{username}'.");
        return await blocks.BlockAsync(new Block(me, name, clock.GetUtcNow()), ct);
    }

    public async Task<Outcome<bool>> UnblockAsync(Caller caller, string username, CancellationToken ct)
    {
        if (caller.Username is not { } me) return NotAUser;
        return await blocks.UnblockAsync(me, username.Trim().ToLowerInvariant(), ct) ? true : new Refusal.NotFound("username", $"You have not blocked '{username}'.");
    }
}

public sealed record BlockResponse(string Username, DateTimeOffset BlockedAt);

public sealed record BlockList(IReadOnlyList<BlockResponse> Items);
