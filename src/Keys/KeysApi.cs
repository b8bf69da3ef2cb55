using Chat.Keys.Storage;
using Chat.Shared.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Chat.Keys;

/// <summary>docs/api.md, "End-to-end encryption keys": validation here, the rest in <see cref="KeyDirectoryHandler"/>.</summary>
public static class KeysApi
{
    public static IEndpointRouteBuilder MapKeys(this IEndpointRouteBuilder app)
    {
        var keys = app.MapGroup("/v1/keys").WithTags("Keys").ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        keys.MapPut("/devices/{deviceId}", PutDevice).DescribeBody<PutDeviceKeysRequest>(
            """{"identity_key":"base64 X25519","signing_key":"base64 Ed25519","signed_prekey":{"key_id":1,"public_key":"base64 X25519","signature":"base64 Ed25519"}}""");
        keys.MapPost("/devices/{deviceId}/one-time-prekeys", AddPrekeys).ProducesProblems(StatusCodes.Status404NotFound)
            .DescribeBody<OneTimePrekeysRequest>("""{"keys":[{"key_id":1,"public_key":"base64 X25519"}]}""");
        keys.MapGet("/devices/{deviceId}/count", Count).ProducesProblems(StatusCodes.Status404NotFound);
        keys.MapDelete("/devices/{deviceId}", Delete).ProducesProblems(StatusCodes.Status404NotFound);
        keys.MapGet("/devices", List).ProducesProblems(StatusCodes.Status404NotFound);
        keys.MapPost("/claim", Claim).ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests)
            .DescribeBody<ClaimRequest>("""{"username":"bob"}""");
        return app;
    }

    private static async Task<Results<Ok<DeviceKeysResponse>, ProblemHttpResult>> PutDevice(
        string deviceId, HttpContext http, KeyDirectoryHandler handler, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, KeysJsonContext.Default.PutDeviceKeysRequest);
        if (problem is not null) return problem;
        var errors = KeyRules.CheckDevice(deviceId, body!);
        if (errors.Any) return errors.ToProblem();
        return (await handler.PublishAsync(http.User.Caller(), deviceId, body!, ct)).ToResult(http.Response, d => TypedResults.Ok(Response(d)));
    }

    private static async Task<Results<Ok<PrekeyCount>, ProblemHttpResult>> AddPrekeys(
        string deviceId, HttpContext http, KeyDirectoryHandler handler, IOptions<KeysOptions> options, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, KeysJsonContext.Default.OneTimePrekeysRequest);
        if (problem is not null) return problem;
        var errors = KeyRules.CheckPrekeys(deviceId, body!, options.Value.MaxPrekeysPerUpload);
        if (errors.Any) return errors.ToProblem();
        return (await handler.AddPrekeysAsync(http.User.Caller(), deviceId, body!, ct)).ToResult(http.Response, TypedResults.Ok);
    }

    private static async Task<Results<Ok<PrekeyCount>, ProblemHttpResult>> Count(string deviceId, HttpContext http, KeyDirectoryHandler handler, CancellationToken ct) =>
        (await handler.CountAsync(http.User.Caller(), deviceId, ct)).ToResult(http.Response, TypedResults.Ok);

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(string deviceId, HttpContext http, KeyDirectoryHandler handler, CancellationToken ct) =>
        (await handler.DeleteAsync(http.User.Caller(), deviceId, ct)).ToResult(http.Response, _ => TypedResults.NoContent());

    private static async Task<Results<Ok<DeviceKeysList>, ProblemHttpResult>> List(string? username, HttpContext http, KeyDirectoryHandler handler, CancellationToken ct) =>
        (await handler.ListAsync(http.User.Caller(), username, ct)).ToResult(http.Response, list => TypedResults.Ok(new DeviceKeysList(list.Select(Response).ToList())));

    private static async Task<Results<Ok<ClaimResponse>, ProblemHttpResult>> Claim(HttpContext http, KeyDirectoryHandler handler, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, KeysJsonContext.Default.ClaimRequest);
        if (problem is not null) return problem;
        if (string.IsNullOrWhiteSpace(body!.Username)) return Problems.Invalid("username", "Is required: whose devices' keys to claim.");
        return (await handler.ClaimAsync(http.User.Caller(), body.Username, ct)).ToResult(http.Response, TypedResults.Ok);
    }

    /// <summary>The previous signed prekey only while its grace period lasts.</summary>
    private static DeviceKeysResponse Response(DeviceKeys d) => new(d.Username, d.DeviceId, d.IdentityKey, d.SigningKey, d.SignedPrekey,
        d.PreviousSignedPrekey is { } p && d.PreviousUntil is { } until && until > DateTimeOffset.UtcNow
            ? new PreviousSignedPrekey(p.KeyId, p.PublicKey, p.Signature, until) : null,
        d.CreatedAt, d.UpdatedAt);
}
