using System.Net;

namespace Chat.Web.Tests;

/// <summary>The account menu (issue 24): the sessions listed and one ended, and the profile saved.</summary>
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
}
