using Chat.Shared.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.Auth;

/// <summary>Register, the token endpoint (password, refresh_token, client_credentials grants), logout and the JWKS.</summary>
public static class AuthApi
{
    public const string RateLimitPolicy = "auth";

    private const string Grants = "password, refresh_token or client_credentials";

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/v1/auth").AllowAnonymous().WithTags("Auth").RequireRateLimiting(RateLimitPolicy)
            .ProducesProblems(StatusCodes.Status429TooManyRequests);
        auth.MapPost("/register", Register)
            .DescribeBody<RegisterRequest>("""{"username":"alice","password":"correct horse battery","display_name":"Alice"}""")
            .ProducesProblems(StatusCodes.Status409Conflict);
        auth.MapPost("/token", Token).DisableAntiforgery()
            .DescribeBody<TokenRequest>("""{"grant_type":"password","username":"alice","password":"correct horse battery"}""", "application/json", "application/x-www-form-urlencoded")
            .ProducesProblems(StatusCodes.Status401Unauthorized);
        auth.MapPost("/logout", Logout).DisableAntiforgery().DescribeBody<LogoutRequest>("""{"refresh_token":"rt_3q2-7wEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}""");
        app.MapGet("/.well-known/jwks.json", (KeyRing keys) => Results.Text(keys.PublicKeySetJson(), "application/jwk-set+json"))
            .AllowAnonymous().WithTags("Auth");
        app.MapGet("/.well-known/revoked-tokens", RevokedTokens).AllowAnonymous().WithTags("Auth").ProducesProblems(StatusCodes.Status400BadRequest);
        app.MapAdminApi();
        app.MapChannelsApi();
        app.MapBlocksApi();
        app.MapPeopleApi();
        return app;
    }

    private static async Task<Results<Created<UserResponse>, ProblemHttpResult>> Register(HttpContext http, RegisterUserHandler handler, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, AuthJsonContext.Default.RegisterRequest);
        if (problem is not null) return problem;
        var errors = new ValidationErrors();
        CredentialRules.CheckUsername(body!.Username, errors);
        CredentialRules.CheckPassword(body.Password, body.Username, errors);
        if (body.DisplayName is { Length: > 64 }) errors.Add("display_name", "Must be at most 64 characters.");
        if (errors.Any) return errors.ToProblem();
        return (await handler.RegisterAsync(body, ct)).ToResult(http.Response, user =>
            TypedResults.Created($"/v1/users/{user.Username}", new UserResponse(user.Username, user.DisplayName, user.CreatedAt)));
    }

    /// <summary>OAuth 2.0 clients send a form, others JSON; either way each grant's own fields are required.</summary>
    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Token(
        HttpContext http, IssueTokenHandler handler, Microsoft.Extensions.Options.IOptions<AuthOptions> refreshLifetime, CancellationToken ct)
    {
        TokenRequest body;
        if (http.Request.HasFormContentType)
        {
            var form = await http.Request.ReadFormAsync(ct);
            body = new TokenRequest(form["grant_type"], form["username"], form["password"], form["refresh_token"], form["client_id"], form["client_secret"],
                form["refresh_cookie"] == "true" ? true : null);
        }
        else
        {
            var (json, problem) = await JsonBody.ReadAsync(http.Request, AuthJsonContext.Default.TokenRequest);
            if (problem is not null) return problem;
            body = json!;
        }
        // A browser's refresh presents the cookie instead of a body field; its answer goes back in the cookie.
        if (body.GrantType == "refresh_token" && string.IsNullOrEmpty(body.RefreshToken) && RefreshCookie.Read(http.Request) is { } cookie)
            body = body with { RefreshToken = cookie, RefreshCookie = true };
        var errors = CheckGrant(body);
        if (errors.Any) return errors.ToProblem();
        return (await handler.IssueAsync(body, SignInClient.Of(http), ct)).ToResult(http.Response, t =>
        {
            var refresh = t.RefreshToken;
            if (body.RefreshCookie == true && refresh is not null)
            {
                RefreshCookie.Write(http, refresh, refreshLifetime.Value.RefreshTokenLifetime);
                refresh = null;
            }
            return TypedResults.Ok(new TokenResponse(t.AccessToken, "Bearer", (int)t.Lifetime.TotalSeconds, refresh, t.Scope, t.PasswordChangeRequired ? true : null));
        });
    }

    /// <summary>The grant type, and the fields that grant needs.</summary>
    private static ValidationErrors CheckGrant(TokenRequest body)
    {
        var errors = new ValidationErrors();
        switch (body.GrantType)
        {
            case "password":
                if (string.IsNullOrWhiteSpace(body.Username)) errors.Add("username", "Is required.");
                if (string.IsNullOrEmpty(body.Password)) errors.Add("password", "Is required.");
                break;
            case "refresh_token":
                if (string.IsNullOrEmpty(body.RefreshToken)) errors.Add("refresh_token", "Is required.");
                break;
            case "client_credentials":
                // One at a time: a client missing both learns of the id first.
                if (string.IsNullOrEmpty(body.ClientId)) errors.Add("client_id", "Is required.");
                else if (string.IsNullOrEmpty(body.ClientSecret)) errors.Add("client_secret", "Is required.");
                break;
            case null:
                errors.Add("grant_type", $"Is required: {Grants}.");
                break;
            default:
                errors.Add("grant_type", $"'{body.GrantType}' is not supported; use {Grants}.");
                break;
        }
        return errors;
    }

    /// <summary>Revokes the refresh token's whole family (from the body, else the browser's cookie, which goes too) and the access token presented with the request.</summary>
    private static async Task<Results<NoContent, ProblemHttpResult>> Logout(HttpContext http, LogoutHandler handler, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, AuthJsonContext.Default.LogoutRequest);
        if (problem is not null) return problem;
        var cookie = RefreshCookie.Read(http.Request);
        var refreshToken = string.IsNullOrEmpty(body!.RefreshToken) ? cookie : body.RefreshToken;
        if (string.IsNullOrEmpty(refreshToken) && LogoutHandler.AccessTokenOf(http.User) is null)
            return Problems.Invalid("refresh_token", "Is required unless a valid access token is sent as Authorization: Bearer (then that token is revoked).");
        await handler.LogOutAsync(refreshToken, http.User, ct);
        if (cookie is not null) RefreshCookie.Delete(http);
        return TypedResults.NoContent();
    }

    /// <summary>Access tokens revoked by logout that have not expired yet, for the services that validate tokens.</summary>
    private static async Task<Results<Ok<RevocationPage>, ProblemHttpResult>> RevokedTokens(string? after, IAccountStore accounts, CancellationToken ct)
    {
        long cursor = 0;
        if (after is not null && (!long.TryParse(after, out cursor) || cursor < 0)) return Problems.Invalid("after", "Must be a cursor from an earlier answer (a whole number, 0 or more).");
        return TypedResults.Ok(await accounts.ReadRevokedTokensAfterAsync(cursor, ct));
    }
}
