using Chat.Shared.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Chat.Files;

/// <summary>docs/api.md, "Files". The bytes go straight between the client and the object store; this API only signs and checks.</summary>
internal static class FilesApi
{
    public static IEndpointRouteBuilder MapFilesApi(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/v1/files").WithTags("Files").ProducesProblems(StatusCodes.Status401Unauthorized);
        files.MapPost("/initiate", Initiate).RequireAuthorization(Scopes.MessagesSend).DescribeBody<InitiateUploadRequest>(
                """{"filename":"photo.png","content_type":"image/png","size":48213,"sha256":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}""")
            .ProducesProblems(StatusCodes.Status403Forbidden);
        files.MapPost("/complete", Complete).DescribeBody<CompleteUploadRequest>(
                """{"file_id":"0196f1c2-7b1a-7c3e-9a55-2f4f1d0e8a11","parts":[{"part_number":1,"etag":"\"5d41402abc4b2a76b9719d911017c592\""}]}""")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity, StatusCodes.Status503ServiceUnavailable);
        files.MapGet("/{fileId}", Get).RequireAuthorization(Scopes.MessagesRead)
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        return app;
    }

    private static readonly IReadOnlySet<string> CleanedFields = new HashSet<string> { "filename" };

    private static async Task<Results<Created<InitiateUploadResponse>, ProblemHttpResult>> Initiate(
        HttpContext http, InitiateUploadHandler handler, IOptions<FilesOptions> options, CancellationToken ct)
    {
        // The file name's control characters are stripped (FileRules.SanitizeName), not refused.
        var (body, problem) = await JsonBody.ReadAsync(http.Request, FilesJsonContext.Default.InitiateUploadRequest, CleanedFields);
        if (problem is not null) return problem;
        var errors = FileRules.Check(body!, options.Value, out var fileName, out var contentType);
        if (errors.Any) return errors.ToProblem();
        var answer = await handler.InitiateAsync(http.User.Caller(), new UploadDeclaration(fileName, contentType, body!.Size!.Value, body.Sha256!.ToLowerInvariant()), ct);
        return TypedResults.Created($"/v1/files/{answer.FileId}", answer);
    }

    /// <summary>200 with the file once its bytes are what was declared, scanned and stripped; 422 (and the upload removed) when they are not or are infected; 503 while clamd cannot be reached.</summary>
    private static async Task<Results<Ok<FileResponse>, ProblemHttpResult>> Complete(HttpContext http, CompleteUploadHandler handler, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync(http.Request, FilesJsonContext.Default.CompleteUploadRequest);
        if (problem is not null) return problem;
        if (string.IsNullOrWhiteSpace(body!.FileId)) return Problems.Invalid("file_id", "Is required.");
        return (await handler.CompleteAsync(http.User.Caller(), body.FileId, body.Parts, ct)).ToResult(http.Response, file => TypedResults.Ok(FileResponse.Of(file)));
    }

    /// <summary>The uploader, and members of every conversation a message carried the file to, may read it; a download URL once it is complete.</summary>
    private static async Task<Results<Ok<FileResponse>, ProblemHttpResult>> Get(string fileId, HttpContext http, ReadFileHandler handler, CancellationToken ct) =>
        (await handler.ReadAsync(http.User.Caller(), fileId, ct)).ToResult(http.Response, file => TypedResults.Ok(file));
}
