using System.Security.Claims;
using Chat.Shared.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Auth;

/// <summary>Profiles, user search, password change and account deletion (docs/api.md, "People").</summary>
internal static class PeopleApi
{
    public const int MaxDisplayName = 64;
    public const int MaxStatusText = 140;

    public static IEndpointRouteBuilder MapPeopleApi(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/v1/users").WithTags("People").RequireAuthorization()
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        users.MapGet("/", Search).ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status429TooManyRequests);
        users.MapGet("/{username}", Get).ProducesProblems(StatusCodes.Status404NotFound);
        users.MapPatch("/me", Update).DescribeBody<ProfileRequest>("""{"display_name":"Alice Liddell"}""")
            .ProducesProblems(StatusCodes.Status400BadRequest);
        users.MapPut("/me/password", ChangePassword).DescribeBody<PasswordChangeRequest>("""{"current_password":"correct horse battery","new_password":"purple staple ocean 7"}""")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status429TooManyRequests);
        users.MapDelete("/me", Delete).DescribeBody<AccountDeletionRequest>("""{"password":"correct horse battery"}""")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable);
        app.MapSessionsApi();
        return app;
    }

    private static async Task<Results<Ok<ProfileList>, ProblemHttpResult>> Search(string? q, HttpContext http, ProfilesHandler handler, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        // Read from the raw query, so bytes that are not UTF-8 are refused rather than searched for.
        var text = QueryText.Read(http.Request, "q", MaxDisplayName, errors);
        if (errors.Any) return errors.ToProblem();
        if (q is null || string.IsNullOrWhiteSpace(text))
            return Problems.Invalid("q", $"Is required: the start of a username or of a word of a display name, at most {MaxDisplayName} characters.");
        return (await handler.SearchAsync(http.User.Caller(), text, ct)).ToResult(http.Response, users => TypedResults.Ok(new ProfileList(users.Select(Profile).ToList())));
    }

    private static async Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> Get(string username, HttpContext http, ProfilesHandler handler, CancellationToken ct) =>
        (await handler.FindAsync(http.User.Caller(), username, ct)).ToResult(http.Response, user => TypedResults.Ok(Profile(user)));

    private static async Task<Results<Ok<ProfileResponse>, ProblemHttpResult>> Update(HttpContext http, ProfilesHandler handler, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, AuthJsonContext.Default.ProfileRequest);
        if (problem is not null) return problem;
        if (body!.DisplayName is null && body.StatusText is null && body.AvatarFileId is null)
            return Problems.Invalid("body", "Name at least one of display_name, status_text, avatar_file_id.");
        var errors = new ValidationErrors();
        if (body.DisplayName is { } name && (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxDisplayName))
            errors.Add("display_name", $"Must be 1–{MaxDisplayName} characters.");
        if (body.StatusText is { } status && status.Trim().Length > MaxStatusText) errors.Add("status_text", $"Must be at most {MaxStatusText} characters (\"\" removes it).");
        if (body.AvatarFileId is { Length: > 100 }) errors.Add("avatar_file_id", "Must be a file id (\"\" removes the picture).");
        if (errors.Any) return errors.ToProblem();
        return (await handler.UpdateAsync(http.User.Caller(), body, ct)).ToResult(http.Response, user => TypedResults.Ok(Profile(user)));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ChangePassword(HttpContext http, AccountHandler handler, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, AuthJsonContext.Default.PasswordChangeRequest);
        if (problem is not null) return problem;
        var errors = new ValidationErrors();
        if (string.IsNullOrEmpty(body!.CurrentPassword)) errors.Add("current_password", "Is required.");
        CredentialRules.CheckPassword(body.NewPassword, http.User.Caller().Subject, errors, "new_password");
        if (errors.Any) return errors.ToProblem();
        return (await handler.ChangePasswordAsync(http.User.Caller(), http.User.FindFirstValue(TokenIssuer.SessionClaim), body.CurrentPassword!, body.NewPassword!,
            http.Connection.RemoteIpAddress?.ToString(), ct)).ToResult(http.Response, _ => TypedResults.NoContent());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(HttpContext http, AccountHandler handler, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, AuthJsonContext.Default.AccountDeletionRequest);
        if (problem is not null) return problem;
        if (string.IsNullOrEmpty(body!.Password)) return Problems.Invalid("password", "Is required: deleting an account needs its password.");
        return (await handler.DeleteAsync(http.User.Caller(), body.Password, http.Connection.RemoteIpAddress?.ToString(), ct))
            .ToResult(http.Response, _ => TypedResults.NoContent());
    }

    private static ProfileResponse Profile(User user) => new(user.Username, user.DisplayName, user.StatusText, user.AvatarFileId, user.CreatedAt);
}

/// <param name="StatusText">Absent: unchanged; <c>""</c>: removed.</param>
/// <param name="AvatarFileId">Absent: unchanged; <c>""</c>: removed.</param>
public sealed record ProfileRequest(string? DisplayName, string? StatusText, string? AvatarFileId);

public sealed record ProfileResponse(string Username, string DisplayName, string? StatusText, string? AvatarFileId, DateTimeOffset CreatedAt);

public sealed record ProfileList(IReadOnlyList<ProfileResponse> Items);

public sealed record PasswordChangeRequest(string? CurrentPassword, string? NewPassword);

public sealed record AccountDeletionRequest(string? Password);
