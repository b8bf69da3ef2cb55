using System.Net;

namespace Chat.Web.Tests;

/// <summary>The account menu (issue 24): the sessions listed and one ended, the profile saved, the account deleted; what others see of it then.</summary>
[Collection(WebCollection.Name)]
public sealed class AccountTests(WebFixture fixture)
{
    [SkippableFact]
    public async Task The_account_menu_ends_another_session_and_saves_the_profile()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        await using var context = await fixture.NewPersonAsync();
        var name = People.NewName("acct");
        var page = await People.SignUpAsync(context, name);
        var elsewhere = await fixture.Server.Client().SignInAsync(name, People.Password);

        await page.GetByRole(AriaRole.Button, new() { Name = "Account" }).ClickAsync();
        var sessions = page.Locator(".sessions .session");
        await Expect(sessions).ToHaveCountAsync(2);
        await Expect(page.GetByText("(this session)")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "End" }).ClickAsync();
        await Expect(page.GetByText("Session ended.")).ToBeVisibleAsync();
        await Expect(sessions).ToHaveCountAsync(1);
        Assert.Equal(HttpStatusCode.Unauthorized, (await elsewhere.Http.GetAsync("/v1/conversations")).StatusCode);

        await page.GetByLabel("Display name").FillAsync("Åsa Account");
        await page.GetByLabel("Status").FillAsync("testing");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save profile" }).ClickAsync();
        await Expect(page.GetByText("Profile saved.")).ToBeVisibleAsync();
        var reader = await fixture.Server.Client().SignUpAsync(People.NewName("reader"));
        var profile = await reader.GetJsonAsync($"/v1/users/{name}");
        Assert.Equal(("Åsa Account", "testing"), (profile["display_name"]!.GetValue<string>(), profile["status_text"]!.GetValue<string>()));
    }

    [SkippableFact]
    public async Task A_direct_conversation_with_a_deleted_account_reads_deleted_user_and_is_read_only()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        await using var context = await fixture.NewPersonAsync();
        var name = People.NewName("stayer");
        var page = await People.SignUpAsync(context, name);
        var leaver = await fixture.Server.Client().SignUpAsync(People.NewName("leaver"));
        var conversation = await leaver.CreateConversationAsync("direct", name);
        await leaver.SendTextAsync(conversation, "goodbye for good");
        await Eventually.UntilAsync(async () => (await leaver.HistoryAsync(conversation)).Count, n => n == 1, TimeSpan.FromSeconds(10), "the message stored");
        var deleted = await leaver.Http.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/v1/users/me") { Content = System.Net.Http.Json.JsonContent.Create(new { password = ApiClient.Password }) });
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        await page.ReloadAsync();
        await People.Conversation(page, "deleted user").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "deleted user" })).ToBeVisibleAsync();
        await Expect(People.MessageTexts(page)).ToHaveTextAsync(["goodbye for good"]);
        await Expect(page.GetByText("This account was deleted; the conversation is read-only.")).ToBeVisibleAsync();
        await Expect(page.GetByLabel("Message", new() { Exact = true })).ToBeHiddenAsync();
    }

    [SkippableFact]
    public async Task The_account_menu_deletes_the_account_with_the_password()
    {
        Skip.If(fixture.SkipReason is not null, fixture.SkipReason);
        await using var context = await fixture.NewPersonAsync();
        var name = People.NewName("leaving");
        var page = await People.SignUpAsync(context, name);
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Account" }).ClickAsync();
        await page.GetByLabel("Password to confirm").FillAsync("not my password at all");
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete account" }).ClickAsync();
        await Expect(page.Locator(".delete-account [role=status]")).Not.ToBeEmptyAsync();
        await Expect(page.GetByText($"Signed in as {name}")).ToBeVisibleAsync();

        await page.GetByLabel("Password to confirm").FillAsync(People.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete account" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToBeVisibleAsync();
        var signIn = await fixture.Server.Client().PostJsonAsync("/v1/auth/token", new { grant_type = "password", username = name, password = People.Password });
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
    }
}
