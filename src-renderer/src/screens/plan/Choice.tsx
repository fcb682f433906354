// One radio choice of the plan options: a title, a line of explanation, a badge or a warning.
import { Icon } from '../../components/Icon';

export function Choice(props: { name: string; checked: boolean; onChange(): void; title: string; text?: string; badge?: string; warning?: string }) {
  return (
    <label className={`choice${props.checked ? ' is-checked' : ''}`}>
      <input type="radio" name={props.name} checked={props.checked} onChange={props.onChange} />
      <span className="choice-body">
        <span className="choice-title">
          {props.title} {props.badge ? <span className="badge">{props.badge}</span> : null}
        </span>
        {props.text ? <span className="option-text">{props.text}</span> : null}
        {props.warning ? (
          <span className="option-warning">
            <Icon name="warning" /> {props.warning}
          </span>
        ) : null}
      </span>
    </label>
  );
}
