using Chat.Files;
using Chat.Shared;
using Chat.Shared.Http;
using Chat.Shared.RateLimits;
using Microsoft.Extensions.Options;

namespace Chat.Auth;

/// <summary>
/// Profiles and finding people (docs/api.md, "People"). Blocks stay the blocker's secret: to someone
/// a user blocked, that user is no one — absent from search, 404 by name, as a name never registered.
/// </summary>
internal sealed class ProfilesHandler(IAccountStore accounts, IBlockDirectory blocks, IFileDirectory files, IRateLimiter limiter, IOptions<LimitsOptions> limits)
{
    public const int MaxResults = 20;

    /// <summary>Candidates read for a page: some may have blocked the searcher.</summary>
    private const int Candidates = 100;

    public static readonly Refusal.Forbidden NotAUser = new("Authorization", "A profile is a user's own: call with a user's token.");

    /// <summary><c>me</c> is the caller (no username is that short).</summary>
    public async Task<Outcome<User>> FindAsync(Caller caller, string username, CancellationToken ct)
    {
        var name = username == "me" && caller.Username is { } me ? me : username.Trim().ToLowerInvariant();
        var user = await accounts.FindUserAsync(name, ct);
        if (user is null || user.IsDeleted || await HasBlockedAsync(user.Username, caller, ct)) return new Refusal.NotFound("username", $"No user '{username}'.");
        return user;
    }

    public async Task<Outcome<User>> UpdateAsync(Caller caller, ProfileRequest change, CancellationToken ct)
    {
        if (caller.Username is not { } me) return NotAUser;
        if (change.AvatarFileId is { Length: > 0 } avatar)
        {
            var file = await files.FindFileAsync(avatar, ct);
            if (file is null || file.Owner != me || file.Status != FileRecord.Completed || !file.ContentType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
                return new Refusal.Invalid("avatar_file_id", "Must be an image file you uploaded, its upload completed.");
        }
        var updated = await accounts.UpdateUserAsync(me, user => user with
        {
            DisplayName = change.DisplayName?.Trim() ?? user.DisplayName,
            StatusText = change.StatusText is null ? user.StatusText : change.StatusText.Trim() is { Length: > 0 } text ? text : null,
            AvatarFileId = change.AvatarFileId is null ? user.AvatarFileId : change.AvatarFileId is { Length: > 0 } id ? id : null,
        }, ct);
        return updated is { IsDeleted: false } ? updated : new Refusal.NotFound("username", "Your account is gone.");
    }

    /// <summary>Rate-limited per caller: a search reads an index every user is in, so it is not free to repeat.</summary>
    public async Task<Outcome<IReadOnlyList<User>>> SearchAsync(Caller caller, string query, CancellationToken ct)
    {
        var limit = limits.Value.UserSearchPerMinute;
        var decision = await limiter.TryAcquireAsync("user-search:" + caller.Subject, limit, RateLimitExtensions.Minute, ct);
        if (!decision.Allowed)
            return new Refusal.RateLimited("Limits:UserSearchPerMinute", "q",
                $"You may search for people {limit} times a minute (Limits:UserSearchPerMinute). Retry after the seconds Retry-After gives.", decision);
        var found = new List<User>();
        foreach (var user in await accounts.SearchUsersAsync(UserSearch.KeyOf(query.Trim()), Candidates, ct))
        {
            if (found.Count == MaxResults) break;
            if (!await HasBlockedAsync(user.Username, caller, ct)) found.Add(user);
        }
        return found;
    }

    private async Task<bool> HasBlockedAsync(string user, Caller caller, CancellationToken ct) =>
        caller.Username is { } asker && await blocks.HasBlockedAsync(user, asker, ct);
}
