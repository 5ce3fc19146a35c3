package web

import (
	"errors"
	"net/http"
	"slices"

	"github.com/recert/recert/app"
	"github.com/recert/recert/internal/httpstatus"
)

// mePreferences saves the notification preferences form: the channels
// checked, and as opted out every optional reminder left unchecked. The
// form's revision guards against overwriting a change made elsewhere.
func mePreferences(s *server, w http.ResponseWriter, r *http.Request) error {
	pr, v, err := s.candidatePage(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return &app.Error{Code: app.CodeInvalid, Message: "The form could not be read.", Err: err}
	}
	f := r.PostForm
	in := app.PreferencesInput{Channels: f["channel"], OptOut: []string{}}
	wanted := f["remind"]
	for _, k := range v.Program.Notifications.Optional {
		if !slices.Contains(wanted, string(k)) {
			in.OptOut = append(in.OptOut, string(k))
		}
	}
	rev := revOf(f.Get("rev"))
	_, err = s.app.SetPreferences(r.Context(), pr, v.ID, app.PreferencesInput{Channels: in.Channels, OptOut: in.OptOut}, &rev)
	if err == nil {
		http.Redirect(w, r, v.Base+"/settings?done=saved", http.StatusSeeOther)
		return nil
	}
	var e *app.Error
	if !errors.As(err, &e) || httpstatus.Of(e.Code).Status >= 500 || e.Code == app.CodeForbidden || e.Code == app.CodeNotFound {
		return err
	}
	sv, ferr := s.settingsForm(r, pr, v)
	if ferr != nil {
		return ferr
	}
	if e.Code == app.CodePrecondition {
		e = &app.Error{Code: e.Code, Message: "Your preferences changed after this page was shown; here they are as they are now. Make your change again."}
	}
	sv.Error = refusalOf(e)
	s.render(w, r, httpstatus.Of(e.Code).Status, "me_settings", sv)
	return nil
}
