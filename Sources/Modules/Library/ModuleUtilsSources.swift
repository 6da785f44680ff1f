/// The Python side of running users' modules: swiftplay's own implementation of the
/// `ansible.module_utils` API those modules import (AnsibleModule, the text converters, six's
/// Python 3 names). Shipped in memory with each run of a Python module; see LibraryModule.
enum ModuleUtilsSources {
    struct File {
        let name: String
        let isPackage: Bool
        let source: String
    }

    static let files: [File] = [
        File(name: "ansible", isPackage: true, source: ""),
        File(name: "ansible.module_utils", isPackage: true, source: ""),
        File(name: "ansible.module_utils.common", isPackage: true, source: ""),
        File(name: "ansible.module_utils.common.text", isPackage: true, source: ""),
        File(name: "ansible.module_utils.common.text.converters", isPackage: false, source: #"""
# swiftplay: text/bytes conversions as users' Python modules import them
# (ansible.module_utils.common.text.converters, and its older name ansible.module_utils._text).
import codecs
import json

_SURROGATE = 'surrogateescape'


def _error_mode(errors):
    # surrogate_or_strict / surrogate_or_replace / surrogate_then_replace: Python 3 has surrogateescape.
    if errors in (None, 'surrogate_or_strict', 'surrogate_or_replace', 'surrogate_then_replace'):
        return _SURROGATE
    return errors


def to_bytes(obj, encoding='utf-8', errors=None, nonstring='simplerepr'):
    if isinstance(obj, bytes):
        return obj
    if isinstance(obj, str):
        try:
            return obj.encode(encoding, _error_mode(errors))
        except UnicodeEncodeError:
            if errors == 'surrogate_then_replace':
                return obj.encode(encoding, 'replace')
            raise
    if nonstring == 'passthru':
        return obj
    if nonstring == 'empty':
        return b''
    if nonstring == 'strict':
        raise TypeError('obj must be a string type')
    return to_bytes(str(obj), encoding, errors)


def to_text(obj, encoding='utf-8', errors=None, nonstring='simplerepr'):
    if isinstance(obj, str):
        return obj
    if isinstance(obj, (bytes, bytearray)):
        try:
            return bytes(obj).decode(encoding, _error_mode(errors))
        except UnicodeDecodeError:
            return bytes(obj).decode(encoding, 'replace')
    if nonstring == 'passthru':
        return obj
    if nonstring == 'empty':
        return ''
    if nonstring == 'strict':
        raise TypeError('obj must be a string type')
    return str(obj)


to_native = to_text


def jsonify(data, **kwargs):
    return json.dumps(data, **kwargs)


def container_to_text(d, encoding='utf-8', errors='surrogate_or_strict'):
    if isinstance(d, bytes):
        return to_text(d, encoding=encoding, errors=errors)
    if isinstance(d, dict):
        return dict((container_to_text(k), container_to_text(v)) for k, v in d.items())
    if isinstance(d, (list, tuple)):
        return [container_to_text(o) for o in d]
    return d


codecs.lookup_error(_SURROGATE)
"""#),
        File(name: "ansible.module_utils._text", isPackage: false, source: #"""
# The older name of ansible.module_utils.common.text.converters.
from ansible.module_utils.common.text.converters import to_bytes, to_native, to_text  # noqa: F401
"""#),
        File(name: "ansible.module_utils.six", isPackage: false, source: #"""
# swiftplay: the Python 2/3 names older modules import from ansible.module_utils.six (Python 3 only).
import sys

PY2 = False
PY3 = True
string_types = (str,)
integer_types = (int,)
class_types = (type,)
text_type = str
binary_type = bytes
MAXSIZE = sys.maxsize


def iteritems(d, **kw):
    return iter(d.items(**kw))


def itervalues(d, **kw):
    return iter(d.values(**kw))


def iterkeys(d, **kw):
    return iter(d.keys(**kw))


def b(s):
    return s.encode('latin-1')


def u(s):
    return s


def ensure_str(s, encoding='utf-8', errors='strict'):
    return s.decode(encoding, errors) if isinstance(s, bytes) else s


ensure_text = ensure_str


def ensure_binary(s, encoding='utf-8', errors='strict'):
    return s.encode(encoding, errors) if isinstance(s, str) else s


def with_metaclass(meta, *bases):
    return meta('NewBase', bases or (object,), {})


def add_metaclass(metaclass):
    def wrapper(cls):
        body = dict(cls.__dict__)
        body.pop('__dict__', None)
        body.pop('__weakref__', None)
        return metaclass(cls.__name__, cls.__bases__, body)
    return wrapper
"""#),
        File(name: "ansible.module_utils.basic", isPackage: false, source: #"""
# swiftplay's own implementation of the module-side API that users' Python modules import as
# ansible.module_utils.basic: AnsibleModule (argument checking, exit_json/fail_json, run_command...).
# Written for swiftplay from Ansible's documented behaviour; it is shipped with each module run.
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import hashlib

from ansible.module_utils.common.text.converters import to_bytes, to_native, to_text

# Set by swiftplay's wrapper before the module runs: the task's arguments plus _ansible_* settings.
_ANSIBLE_ARGS = {}

BOOLEANS_TRUE = frozenset(['y', 'yes', 'on', '1', 'true', 't', 1, 1.0, True])
BOOLEANS_FALSE = frozenset(['n', 'no', 'off', '0', 'false', 'f', 0, 0.0, False])
BOOLEANS = BOOLEANS_TRUE.union(BOOLEANS_FALSE)
NO_LOG_PLACEHOLDER = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
_INTERNAL = ('check_mode', 'diff', 'verbosity', 'no_log', 'module_name', 'tmpdir', 'debug')


def env_fallback(*names):
    """fallback=(env_fallback, ['NAME']): the first environment variable that is set."""
    for name in names:
        if name in os.environ:
            return os.environ[name]
    raise _NoFallback()


class _NoFallback(Exception):
    pass


def missing_required_lib(library, reason=None, url=None):
    host = os.uname()[1]
    msg = "Failed to import the required Python library (%s) on %s's Python %s." % (library, host, sys.executable)
    if reason:
        msg += " This is required %s." % reason
    if url:
        msg += " See %s for more info." % url
    return msg + " Please read the module documentation and install it in the appropriate location."


def _boolean(value):
    if isinstance(value, bool):
        return value
    normalized = value.lower().strip() if isinstance(value, str) else value
    if normalized in BOOLEANS_TRUE:
        return True
    if normalized in BOOLEANS_FALSE:
        return False
    raise TypeError("The value '%s' is not a valid boolean. Valid booleans include: %s"
                    % (value, ', '.join(repr(b) for b in sorted(BOOLEANS, key=str))))


def human_to_bytes(number, default_unit=None, isbits=False):
    text = str(number).strip()
    digits = text.rstrip('BbKkMmGgTtPpEeZzYyIi ')
    unit = text[len(digits):].strip() or default_unit or ''
    try:
        value = float(digits)
    except ValueError:
        raise ValueError("human_to_bytes() can't interpret following string: %s" % text)
    powers = {'': 0, 'K': 1, 'M': 2, 'G': 3, 'T': 4, 'P': 5, 'E': 6, 'Z': 7, 'Y': 8}
    letter = unit[:1].upper()
    if letter not in powers:
        raise ValueError("human_to_bytes() failed to convert %s. Value is not a valid string" % text)
    return int(round(value * (1 << (10 * powers[letter]))))


def _convert(value, kind, name):
    """Converts one value to an argument_spec type, as the module side of Ansible does."""
    if kind is None or kind == 'raw':
        return value
    if callable(kind):
        return kind(value)
    if kind == 'str':
        if isinstance(value, str):
            return value
        if isinstance(value, (dict, list)):
            raise TypeError("'%r' is not a string and conversion is not allowed" % (value,))
        return to_native(value)
    if kind == 'bool':
        return _boolean(value)
    if kind == 'int':
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        if isinstance(value, str):
            return int(value.strip())
        raise TypeError("%s cannot be converted to an int" % type(value))
    if kind == 'float':
        if isinstance(value, (int, float, str)) and not isinstance(value, bool):
            return float(value)
        raise TypeError("%s cannot be converted to a float" % type(value))
    if kind == 'list':
        if isinstance(value, list):
            return value
        if isinstance(value, str):
            return [item.strip() for item in value.split(',')] if value else []
        if isinstance(value, (int, float)):
            return [str(value)]
        raise TypeError("%s cannot be converted to a list" % type(value))
    if kind == 'dict':
        if isinstance(value, dict):
            return value
        if isinstance(value, str):
            if value.startswith('{'):
                return json.loads(value)
            return dict(pair.split('=', 1) for pair in shlex.split(value) if '=' in pair)
        raise TypeError("%s cannot be converted to a dict" % type(value))
    if kind == 'path':
        return os.path.expanduser(os.path.expandvars(_convert(value, 'str', name)))
    if kind in ('json', 'jsonarg'):
        return value if isinstance(value, str) else json.dumps(value)
    if kind == 'bytes':
        return human_to_bytes(value)
    if kind == 'bits':
        return human_to_bytes(value, isbits=True)
    raise TypeError("unknown type '%s' in the argument spec of %s" % (kind, name))


def _type_name(kind):
    return getattr(kind, '__name__', kind)


class _ArgumentChecker(object):
    """Validates and fills parameters against an argument_spec; errors are collected, not raised."""

    def __init__(self, module_name):
        self.module_name = module_name
        self.errors = []
        self.no_log_values = set()
        self.aliases_used = []

    def check(self, spec, params, where='', mutually_exclusive=None, required_together=None,
              required_one_of=None, required_if=None, required_by=None):
        for name, option in spec.items():
            for alias in option.get('aliases', []) or []:
                if alias in params:
                    if name in params and params[name] != params[alias]:
                        self.errors.append("parameters are mutually exclusive: %s|%s%s" % (name, alias, where))
                    params[name] = params.pop(alias)
        legal = set(spec)
        for option in spec.values():
            legal.update(option.get('aliases', []) or [])
        unsupported = sorted(k for k in params if k not in legal)
        if unsupported:
            self.errors.append("Unsupported parameters for (%s) module: %s%s. Supported parameters include: %s."
                               % (self.module_name, ', '.join(unsupported), where, ', '.join(sorted(spec))))
        for group in mutually_exclusive or []:
            present = [k for k in group if params.get(k) is not None]
            if len(present) > 1:
                self.errors.append("parameters are mutually exclusive: %s%s" % ('|'.join(group), where))
        missing = [n for n, o in spec.items() if o.get('required') and params.get(n) is None
                   and o.get('default') is None and not self._fallback(o)]
        if missing:
            self.errors.append("missing required arguments: %s%s" % (', '.join(sorted(missing)), where))
        for name, option in spec.items():
            if params.get(name) is None:
                if 'default' in option:
                    params[name] = option['default']
                else:
                    fallback = self._fallback(option)
                    params[name] = fallback[0] if fallback else None
            value = params[name]
            if value is None:
                continue
            kind = option.get('type', 'str')
            try:
                value = _convert(value, kind, name)
            except (TypeError, ValueError) as e:
                self.errors.append("argument '%s' is of type %s%s and we were unable to convert to %s: %s"
                                   % (name, type(value), where, _type_name(kind), to_native(e)))
                continue
            elements = option.get('elements')
            if elements and isinstance(value, list):
                try:
                    value = [_convert(v, elements, name) for v in value]
                except (TypeError, ValueError) as e:
                    self.errors.append("Elements value for option '%s'%s is of type %s and we were unable to convert to %s: %s"
                                       % (name, where, type(value), _type_name(elements), to_native(e)))
                    continue
            choices = option.get('choices')
            if choices is not None:
                chosen = value if isinstance(value, list) and kind == 'list' else [value]
                bad = [c for c in chosen if c not in choices]
                if bad:
                    self.errors.append("value of %s must be one of: %s, got: %s%s"
                                       % (name, ', '.join(to_native(c) for c in choices),
                                          ', '.join(to_native(b) for b in bad), where))
            if option.get('no_log') and value not in (None, ''):
                self.no_log_values.add(to_native(value))
            sub = option.get('options')
            if sub is not None:
                items = value if isinstance(value, list) else [value]
                checked = []
                for index, item in enumerate(items):
                    if not isinstance(item, dict):
                        continue
                    item = dict(item)
                    label = " found in %s" % (name if not isinstance(value, list) else "%s[%d]" % (name, index))
                    self.check(sub, item, label, option.get('mutually_exclusive'), option.get('required_together'),
                               option.get('required_one_of'), option.get('required_if'), option.get('required_by'))
                    checked.append(item)
                value = checked if isinstance(value, list) else (checked[0] if checked else value)
            params[name] = value
        for group in required_together or []:
            present = [k for k in group if params.get(k) is not None]
            if present and len(present) != len(group):
                self.errors.append("parameters are required together: %s%s" % (', '.join(group), where))
        for group in required_one_of or []:
            if not any(params.get(k) is not None for k in group):
                self.errors.append("one of the following is required: %s%s" % (', '.join(group), where))
        for rule in required_if or []:
            key, val, needed = rule[0], rule[1], rule[2]
            any_of = len(rule) > 3 and rule[3]
            if params.get(key) != val:
                continue
            absent = [k for k in needed if params.get(k) is None]
            if (any_of and len(absent) == len(needed)) or (not any_of and absent):
                self.errors.append("%s is %s but %s of the following are missing: %s%s"
                                   % (key, val, 'any' if any_of else 'all', ', '.join(absent), where))
        for key, needed in (required_by or {}).items():
            if params.get(key) is None:
                continue
            needed = [needed] if isinstance(needed, str) else needed
            absent = [k for k in needed if params.get(k) is None]
            if absent:
                self.errors.append("missing parameter(s) required by '%s': %s%s" % (key, ', '.join(absent), where))
        return params

    @staticmethod
    def _fallback(option):
        fallback = option.get('fallback')
        if not fallback:
            return None
        strategy, args = fallback[0], list(fallback[1]) if len(fallback) > 1 else []
        try:
            return (strategy(*args),)
        except _NoFallback:
            return None


def _scrub(value, secrets):
    """Replaces every no_log value found inside strings of a result with asterisks."""
    if not secrets:
        return value
    if isinstance(value, str):
        for secret in secrets:
            if secret and secret in value:
                value = value.replace(secret, '********')
        return value
    if isinstance(value, dict):
        return dict((k, _scrub(v, secrets)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_scrub(v, secrets) for v in value]
    return value


class AnsibleModule(object):
    def __init__(self, argument_spec, bypass_checks=False, no_log=False, mutually_exclusive=None,
                 required_together=None, required_one_of=None, add_file_common_args=False,
                 supports_check_mode=False, required_if=None, required_by=None):
        self.argument_spec = dict(argument_spec)
        if add_file_common_args:
            for name in ('mode', 'owner', 'group', 'seuser', 'serole', 'selevel', 'setype', 'attributes'):
                self.argument_spec.setdefault(name, {'type': 'raw' if name == 'mode' else 'str'})
            self.argument_spec.setdefault('unsafe_writes', {'type': 'bool', 'default': False})
        self.supports_check_mode = supports_check_mode
        self.no_log = no_log
        self._warnings = []
        self._deprecations = []
        raw = dict(_ANSIBLE_ARGS)
        internal = dict((k[len('_ansible_'):], raw.pop(k)) for k in list(raw) if k.startswith('_ansible_'))
        self._name = internal.get('module_name') or os.path.basename(sys.argv[0] or 'module')
        self.check_mode = bool(internal.get('check_mode', False))
        self._diff = bool(internal.get('diff', False))
        self._verbosity = int(internal.get('verbosity', 0) or 0)
        self._debug = bool(internal.get('debug', False))
        self.tmpdir = internal.get('tmpdir') or tempfile.gettempdir()
        checker = _ArgumentChecker(self._name)
        self.params = checker.check(self.argument_spec, raw, '', mutually_exclusive, required_together,
                                    required_one_of, required_if, required_by)
        self.no_log_values = checker.no_log_values
        self._module_args = raw
        if checker.errors and not bypass_checks:
            self.fail_json(msg='; '.join(checker.errors))
        if self.check_mode and not supports_check_mode:
            self.exit_json(skipped=True, msg="remote module (%s) does not support check mode" % self._name)

    # results

    def _invocation(self):
        shown = {}
        for name, value in self._module_args.items():
            option = self.argument_spec.get(name, {})
            shown[name] = NO_LOG_PLACEHOLDER if option.get('no_log') and value is not None else value
        return {'module_args': shown}

    def _finish(self, result, rc):
        result.setdefault('invocation', self._invocation())
        if self._warnings:
            result['warnings'] = list(result.get('warnings', [])) + self._warnings
        if self._deprecations:
            result['deprecations'] = list(result.get('deprecations', [])) + self._deprecations
        result = _scrub(result, self.no_log_values)
        sys.stdout.write(json.dumps(result, default=_json_default) + '\n')
        sys.stdout.flush()
        sys.exit(rc)

    def exit_json(self, **kwargs):
        kwargs.setdefault('changed', False)
        self._finish(kwargs, 0)

    def fail_json(self, msg=None, **kwargs):
        if msg is None:
            msg = kwargs.pop('msg', 'implementation error: fail_json requires a msg')
        kwargs['failed'] = True
        kwargs['msg'] = msg
        self._finish(kwargs, 1)

    def warn(self, warning):
        self._warnings.append(to_text(warning))

    def deprecate(self, msg, version=None, date=None, collection_name=None):
        entry = {'msg': msg}
        if version is not None:
            entry['version'] = version
        if date is not None:
            entry['date'] = date
        if collection_name is not None:
            entry['collection_name'] = collection_name
        self._deprecations.append(entry)

    def log(self, msg, log_args=None):
        pass

    def debug(self, msg):
        if self._debug:
            self.log('[debug] %s' % msg)

    # helpers modules commonly call

    def boolean(self, arg):
        if arg is None:
            return arg
        try:
            return _boolean(arg)
        except TypeError as e:
            self.fail_json(msg=to_native(e))

    def jsonify(self, data):
        return json.dumps(data, default=_json_default)

    def from_json(self, data):
        return json.loads(data)

    def get_bin_path(self, arg, required=False, opt_dirs=None):
        dirs = list(opt_dirs or []) + os.environ.get('PATH', '').split(os.pathsep) + ['/sbin', '/usr/sbin', '/usr/local/sbin']
        for d in dirs:
            candidate = os.path.join(d, arg)
            if d and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return candidate
        if required:
            self.fail_json(msg='Failed to find required executable "%s" in paths: %s' % (arg, os.pathsep.join(dirs)))
        return None

    def run_command(self, args, check_rc=False, close_fds=True, executable=None, data=None, binary_data=False,
                    path_prefix=None, cwd=None, use_unsafe_shell=False, prompt_regex=None, environ_update=None,
                    umask=None, encoding='utf-8', errors='surrogate_or_strict', expand_user_and_vars=True,
                    pass_fds=None, before_communicate_callback=None, ignore_invalid_cwd=True, handle_exceptions=True):
        if isinstance(args, (list, tuple)):
            argv = [to_native(a) for a in args]
            if use_unsafe_shell:
                argv = ' '.join(shlex.quote(a) for a in argv)
        else:
            argv = to_native(args)
            if not use_unsafe_shell:
                argv = shlex.split(argv)
        if expand_user_and_vars and isinstance(argv, list):
            argv = [os.path.expanduser(os.path.expandvars(a)) for a in argv]
        env = dict(os.environ)
        env.update(environ_update or {})
        if path_prefix:
            env['PATH'] = '%s:%s' % (path_prefix, env.get('PATH', ''))
        if cwd and not os.path.isdir(cwd):
            cwd = None if ignore_invalid_cwd else cwd
        stdin = None
        if data is not None:
            stdin = to_bytes(data if binary_data or data.endswith('\n') else data + '\n') if isinstance(data, str) else data
        old_umask = os.umask(umask) if umask is not None else None
        try:
            proc = subprocess.Popen(argv, shell=use_unsafe_shell, executable=executable, cwd=cwd, env=env,
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    close_fds=close_fds, pass_fds=pass_fds or ())
            if before_communicate_callback:
                before_communicate_callback(proc)
            out, err = proc.communicate(stdin)
            rc = proc.returncode
        except (OSError, IOError) as e:
            if not handle_exceptions:
                raise
            self.fail_json(rc=e.errno, stdout='', stderr='', msg=to_native(e), cmd=_shown_command(args))
        finally:
            if old_umask is not None:
                os.umask(old_umask)
        if encoding is not None:
            out = to_text(out, encoding=encoding, errors=errors)
            err = to_text(err, encoding=encoding, errors=errors)
        if rc != 0 and check_rc:
            self.fail_json(cmd=_shown_command(args), rc=rc, stdout=out, stderr=err, msg=to_native(err).strip() or 'command failed')
        return rc, out, err

    def digest_from_file(self, filename, algorithm):
        if not os.path.exists(filename):
            return None
        if os.path.isdir(filename):
            self.fail_json(msg="attempted to take checksum of directory: %s" % filename)
        digest = hashlib.new(algorithm) if isinstance(algorithm, str) else algorithm
        with open(filename, 'rb') as f:
            for block in iter(lambda: f.read(65536), b''):
                digest.update(block)
        return digest.hexdigest()

    def md5(self, filename):
        return self.digest_from_file(filename, 'md5')

    def sha1(self, filename):
        return self.digest_from_file(filename, 'sha1')

    def sha256(self, filename):
        return self.digest_from_file(filename, 'sha256')

    def backup_local(self, fn):
        if not os.path.exists(fn):
            return ''
        import time
        backup = '%s.%s.%s~' % (fn, os.getpid(), time.strftime('%Y-%m-%d@%H:%M:%S', time.localtime()))
        shutil.copy2(fn, backup)
        return backup

    def cleanup(self, tmpfile):
        if os.path.exists(tmpfile):
            try:
                os.unlink(tmpfile)
            except OSError:
                pass

    def atomic_move(self, src, dest, unsafe_writes=False, keep_dest_attrs=True):
        if keep_dest_attrs and os.path.exists(dest):
            st = os.stat(dest)
            try:
                os.chown(src, st.st_uid, st.st_gid)
            except OSError:
                pass
            os.chmod(src, st.st_mode & 0o7777)
        try:
            os.rename(src, dest)
        except OSError as e:
            self.fail_json(msg='Could not replace file: %s to %s: %s' % (src, dest, to_native(e)))

    def load_file_common_arguments(self, params, path=None):
        keys = ('mode', 'owner', 'group', 'seuser', 'serole', 'selevel', 'setype', 'attributes')
        args = dict((k, params.get(k)) for k in keys)
        args['path'] = path or params.get('path') or params.get('dest')
        return args

    def set_mode_if_different(self, path, mode, changed, diff=None, expand=True):
        if mode is None:
            return changed
        current = os.lstat(path).st_mode & 0o7777
        wanted = int(mode, 8) if isinstance(mode, str) else int(mode)
        if current != wanted:
            if not self.check_mode:
                os.chmod(path, wanted)
            return True
        return changed

    def set_owner_if_different(self, path, owner, changed, diff=None, expand=True):
        return self._set_ids(path, owner, None, changed)

    def set_group_if_different(self, path, group, changed, diff=None, expand=True):
        return self._set_ids(path, None, group, changed)

    def _set_ids(self, path, owner, group, changed):
        import grp
        import pwd
        st = os.lstat(path)
        uid = -1 if owner is None else (int(owner) if str(owner).isdigit() else pwd.getpwnam(owner).pw_uid)
        gid = -1 if group is None else (int(group) if str(group).isdigit() else grp.getgrnam(group).gr_gid)
        if (uid != -1 and uid != st.st_uid) or (gid != -1 and gid != st.st_gid):
            if not self.check_mode:
                os.lchown(path, uid, gid)
            return True
        return changed

    def set_fs_attributes_if_different(self, file_args, changed, diff=None, expand=True):
        path = file_args['path']
        changed = self.set_owner_if_different(path, file_args.get('owner'), changed)
        changed = self.set_group_if_different(path, file_args.get('group'), changed)
        return self.set_mode_if_different(path, file_args.get('mode'), changed)

    set_file_attributes_if_different = set_fs_attributes_if_different
    set_directory_attributes_if_different = set_fs_attributes_if_different


def _shown_command(args):
    return args if isinstance(args, str) else ' '.join(shlex.quote(to_native(a)) for a in args)


def _json_default(value):
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    if isinstance(value, bytes):
        return to_text(value, errors='surrogate_or_replace')
    return to_text(value)
"""#),
    ]
}
